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
 *
 * <p>The file is opened for each row and closed after it, so nothing stays open when {@code fit}
 * throws (its {@code onTrainEnd} is then not called, as in Keras), and every finished epoch's row
 * is on disk.
 */
public final class CSVLogger implements Callback {
  private final Path filename;
  private final String separator;
  private final boolean append;
  private List<String> keys;
  private boolean writeHeader;

  /**
   * Writes to {@code filename} with Keras' defaults: separator ",", no append (the file is
   * truncated when training begins).
   *
   * @param filename the CSV file; its parent folders are created
   */
  public CSVLogger(Path filename) {
    this(filename, ",", false);
  }

  /**
   * Writes to {@code filename}.
   *
   * @param filename the CSV file; its parent folders are created
   * @param separator the string between fields (Keras' {@code separator}, "," by default)
   * @param append whether to add rows after those already in the file rather than truncate it
   *     (Keras' {@code append}, false by default)
   */
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
      if (!append) Files.newBufferedWriter(filename, StandardCharsets.UTF_8).close();
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
    StringBuilder text = new StringBuilder();
    if (writeHeader) {
      text.append("epoch").append(separator).append(String.join(separator, keys)).append('\n');
    }
    text.append(epoch);
    for (String k : keys) {
      Double v = logs.get(k);
      text.append(separator).append(v == null ? "NA" : PyFormat.repr(v));
    }
    text.append('\n');
    try (Writer writer =
        Files.newBufferedWriter(
            filename,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      writer.write(text.toString());
      writeHeader = false;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "CSVLogger: cannot write " + filename + ": " + e.getMessage(), e);
    }
  }
}
