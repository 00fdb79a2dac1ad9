package org.cnn4j.callbacks;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a monitored quantity improves by going down ("min") or up ("max"), as Keras' callbacks
 * decide.
 */
enum Monitor {
  MIN,
  MAX;

  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  /**
   * Keras' rule: "min" and "max" as given; "auto" is max for an accuracy ("acc" in the name) or an
   * AUC, min otherwise. An unknown mode falls back to auto with a warning naming the callback.
   */
  static Monitor of(String callback, String mode, String monitor) {
    String m = mode.toLowerCase(Locale.ROOT);
    if (!m.equals("auto") && !m.equals("min") && !m.equals("max")) {
      LOG.warn("{} mode {} is unknown, fallback to auto mode.", callback, mode);
      m = "auto";
    }
    if (m.equals("min")) return MIN;
    if (m.equals("max")) return MAX;
    return monitor.contains("acc") || monitor.contains("auc") ? MAX : MIN;
  }

  /** The worst value, which any first value improves on. */
  double worst() {
    return this == MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  /** Whether {@code current} beats {@code best} by more than {@code minDelta} (>= 0). */
  boolean improves(double current, double best, double minDelta) {
    return this == MIN ? current + minDelta < best : current - minDelta > best;
  }
}
