package org.cnn4j.backend.opencl;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Device time per kernel and launch shape, for tuning: with {@code
 * -Dcnn4j.opencl.profileKernels=true} every launch waits for the queue and its wall time is added
 * up here; the table goes to stderr when the backend closes. Off by default, since waiting after
 * each launch serialises the host and the device (SPI-level profiles such as {@code cnn4j bench
 * --profile} then show where the asynchronous work lands instead of where it waits).
 */
final class ClKernelProfile {
  static final boolean ENABLED = Boolean.getBoolean("cnn4j.opencl.profileKernels");

  private static final Map<String, long[]> TOTALS = new ConcurrentHashMap<>();

  private ClKernelProfile() {}

  static void add(String key, long nanos) {
    long[] t = TOTALS.computeIfAbsent(key, k -> new long[2]);
    synchronized (t) {
      t[0] += nanos;
      t[1]++;
    }
  }

  /** The table, largest total first, and clears it. */
  static String drain() {
    var sb =
        new StringBuilder(
            "kernel (launch shape)                                   calls    total ms\n");
    TOTALS.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
        .forEach(
            e ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "%-55s %6d %11.1f%n",
                        e.getKey(),
                        e.getValue()[1],
                        e.getValue()[0] / 1e6)));
    TOTALS.clear();
    return sb.toString();
  }
}
