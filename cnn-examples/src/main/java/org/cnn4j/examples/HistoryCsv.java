package org.cnn4j.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back the per-epoch values a {@code CSVLogger} wrote, so a resumed run plots its whole
 * history.
 */
final class HistoryCsv {
  private HistoryCsv() {}

  /**
   * The columns of {@code csv} (except "epoch") for epochs {@code 0 .. epochs - 1}; empty if the
   * file is missing.
   */
  static Map<String, List<Double>> read(Path csv, int epochs) throws IOException {
    Map<String, List<Double>> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(csv)) return out;
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) return out;
    String[] header = lines.get(0).strip().split(",");
    Map<Integer, String[]> rows = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.strip().split(",");
      if (cells.length != header.length) continue;
      int epoch = Integer.parseInt(cells[0]);
      if (epoch < epochs) rows.put(epoch, cells); // a row of an epoch that was redone is replaced
    }
    for (int c = 1; c < header.length; c++) {
      List<Double> values = new ArrayList<>();
      boolean any = false;
      for (int e = 0; e < epochs; e++) {
        String[] r = rows.get(e);
        double v = r == null || r[c].equals("NA") ? Double.NaN : Double.parseDouble(r[c]);
        any |= !Double.isNaN(v);
        values.add(v);
      }
      if (any) out.put(header[c], values);
    }
    return out;
  }
}
