package org.cnn4j.models;

import java.io.PrintStream;
import java.util.Locale;
import org.cnn4j.layers.Layer;

/** Keras 3's {@code model.summary()} table. */
final class SummaryTable {
  private static final int[] WIDTHS = {33, 24, 15};

  private SummaryTable() {}

  static void print(Sequential model, PrintStream out) {
    StringBuilder sb = new StringBuilder();
    sb.append("Model: \"").append(model.name()).append("\"\n");
    sb.append(rule('┏', '━', '┳', '┓'));
    sb.append(row('┃', "Layer (type)", "Output Shape", "Param #"));
    sb.append(rule('┡', '━', '╇', '┩'));
    long total = 0;
    long trainable = 0;
    var layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      sb.append(
          row(
              '│',
              l.describe(),
              l.outputShape().toBatchString(),
              String.format(Locale.ROOT, "%,d", l.countParams())));
      if (i < layers.size() - 1) sb.append(rule('├', '─', '┼', '┤'));
      total += l.countParams();
      trainable += l.countTrainableParams();
    }
    sb.append(rule('└', '─', '┴', '┘'));
    sb.append(count("Total params", total));
    sb.append(count("Trainable params", trainable));
    sb.append(count("Non-trainable params", total - trainable));
    out.print(sb);
    out.flush();
  }

  private static String rule(char left, char fill, char cross, char right) {
    StringBuilder sb = new StringBuilder().append(left);
    for (int i = 0; i < WIDTHS.length; i++) {
      sb.append(String.valueOf(fill).repeat(WIDTHS[i]));
      sb.append(i < WIDTHS.length - 1 ? cross : right);
    }
    return sb.append('\n').toString();
  }

  private static String row(char bar, String name, String shape, String params) {
    return bar
        + " "
        + pad(name, WIDTHS[0] - 2, false)
        + " "
        + bar
        + " "
        + pad(shape, WIDTHS[1] - 2, false)
        + " "
        + bar
        + " "
        + pad(params, WIDTHS[2] - 2, true)
        + " "
        + bar
        + "\n";
  }

  private static String pad(String s, int width, boolean right) {
    if (s.length() >= width) return s;
    String space = " ".repeat(width - s.length());
    return right ? space + s : s + space;
  }

  private static String count(String label, long params) {
    return String.format(Locale.ROOT, " %s: %,d (%s)%n", label, params, bytes(params * 4));
  }

  /** Keras' readable_memory_size: powers of 1024, two decimals. */
  static String bytes(long b) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double v = b;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
  }
}
