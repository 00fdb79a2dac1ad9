package org.cnn4j.models;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keras 3's progress line, e.g. {@code 1875/1875 ━━━━━━━━━━━━━━━━━━━━ 12s 6ms/step - accuracy:
 * 0.8123 - loss: 0.5210}. On a terminal it is redrawn in place (at most ten times a second);
 * otherwise it is printed once, when the epoch ends. Values are sorted by name, as Keras prints
 * them. Public for trainers outside fit (training on a cluster) that report as fit does.
 */
public final class ProgressBar {
  private static final int WIDTH = 20;
  private static final String DONE = "━";

  private final PrintStream out;
  private final int total;
  private final int verbose;
  private final boolean interactive;
  private final long start = System.nanoTime();
  private long lastDraw;

  /**
   * A bar for an epoch of {@code total} steps, started now.
   *
   * @param verbose fit's verbose: 0 silent, 1 the bar, 2 one line per epoch
   * @param interactive whether {@code out} is a terminal (the bar is then redrawn in place)
   */
  public ProgressBar(PrintStream out, int total, int verbose, boolean interactive) {
    this.out = out;
    this.total = total;
    this.verbose = verbose;
    this.interactive = interactive;
  }

  /** After step {@code done} (1-based) with the running values. */
  public void update(int done, Map<String, Double> values) {
    if (verbose != 1 || !interactive) return;
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L) return;
    lastDraw = now;
    double elapsed = (now - start) / 1e9;
    double perStep = elapsed / done;
    String time = done < total ? formatSeconds(perStep * (total - done)) : formatSeconds(elapsed);
    out.print("\r" + line(done, time + " " + formatPerStep(perStep), values, true) + "\u001b[K");
    out.flush();
  }

  /** At the end of the epoch, with validation values added. */
  public void finish(Map<String, Double> values) {
    if (verbose == 0) return;
    double elapsed = (System.nanoTime() - start) / 1e9;
    String timing = formatSeconds(elapsed) + " " + formatPerStep(elapsed / Math.max(1, total));
    if (verbose == 2) {
      out.println(
          String.format(
              Locale.ROOT,
              "%d/%d - %s%s",
              total,
              total,
              timing.replace(" ", " - "),
              values(values)));
    } else {
      out.print((interactive ? "\r" : "") + line(total, timing, values, interactive));
      out.println(interactive ? "\u001b[K" : "");
    }
    out.flush();
  }

  private String line(int done, String timing, Map<String, Double> values, boolean color) {
    int digits = Integer.toString(total).length();
    int filled = (int) ((long) WIDTH * done / Math.max(1, total));
    String bar =
        color
            ? "\u001b[1m"
                + DONE.repeat(filled)
                + "\u001b[0m\u001b[37m"
                + DONE.repeat(WIDTH - filled)
                + "\u001b[0m"
            : DONE.repeat(WIDTH);
    return String.format(
        Locale.ROOT, "%" + digits + "d/%d %s %s%s", done, total, bar, timing, values(values));
  }

  private static String values(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(values)
        .forEach((k, v) -> sb.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
    return sb.toString();
  }

  static String formatSeconds(double s) {
    return s >= 1 || s == 0 ? Math.round(s) + "s" : Math.round(s * 1000) + "ms";
  }

  static String formatPerStep(double s) {
    if (s >= 1) return Math.round(s) + "s/step";
    if (s >= 1e-3) return Math.round(s * 1e3) + "ms/step";
    return Math.round(s * 1e6) + "us/step";
  }
}
