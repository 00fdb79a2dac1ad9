package org.cnn4j.callbacks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code CSVLogger}: writes one row per epoch to {@code filename}: "epoch" (0-based) and
 * each logs key in sorted order, values as Python prints them. When the logs hold no validation
 * keys, "val_" columns are added and hold "NA", as Keras does. With {@code append} the rows go
 * after those already there (a resumed run), and the header is written only into an empty file.
 * Lines end with "\n" (Python's csv module writes "\r\n").
 */
public final class CSVLogger implements Callback {
  private final Path filename;
  private final String separator;
  private final boolean append;
  private Writer writer;
  private List<String> keys;
  private boolean writeHeader;

  public CSVLogger(Path filename) {
    this(filename, ",", false);
  }

  public CSVLogger(Path filename, String separator, boolean append) {
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  @Override
  public void onTrainBegin() {
    try {
      writeHeader = true;
      if (append && Files.exists(filename)) {
        try (BufferedReader r = Files.newBufferedReader(filename, StandardCharsets.UTF_8)) {
          String first = r.readLine();
          writeHeader = first == null || first.isEmpty();
        }
      }
      Path parent = filename.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      writer =
          append
              ? Files.newBufferedWriter(
                  filename,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND)
              : Files.newBufferedWriter(filename, StandardCharsets.UTF_8);
      keys = null;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "CSVLogger: cannot open " + filename + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (keys == null) {
      keys = new ArrayList<>(logs.keySet().stream().sorted().toList());
      if (!keys.isEmpty() && keys.stream().noneMatch(k -> k.startsWith("val_"))) {
        keys.addAll(keys.stream().map(k -> "val_" + k).toList());
      }
    }
    try {
      if (writeHeader) {
        writer.write("epoch" + separator + String.join(separator, keys) + "\n");
        writeHeader = false;
      }
      StringBuilder row = new StringBuilder(Integer.toString(epoch));
      for (String k : keys) {
        Double v = logs.get(k);
        row.append(separator).append(v == null ? "NA" : PyFormat.repr(v));
      }
      writer.write(row.append('\n').toString());
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "CSVLogger: cannot write " + filename + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void onTrainEnd() {
    if (writer == null) return;
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "CSVLogger: cannot close " + filename + ": " + e.getMessage(), e);
    } finally {
      writer = null;
    }
  }
}
