package org.cnn4j.regularizers;

import java.util.Locale;
import java.util.Map;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;

/**
 * A weight penalty added to the loss, as Keras' {@code kernel_regularizer}: {@code fit} adds each
 * penalty to the loss it reports and its gradient to the weight's gradient before the optimizer
 * step.
 */
public interface Regularizer {
  /** Keras' class name: "L2". */
  String className();

  /** Keras' config: {@code {"l2": 1e-4}}. */
  Map<String, Object> config();

  /**
   * Adds this penalty's gradient for the weights {@code w} into {@code grad} (unless null: a frozen
   * weight) and returns the penalty. Shapes: w and grad {@code [n]}.
   */
  double apply(Backend backend, DeviceBuffer w, DeviceBuffer grad, long n);

  /** Parses Keras' string form: "l2" (0.01). */
  static Regularizer of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "l2" -> new L2(0.01);
      default ->
          throw new IllegalArgumentException("unknown regularizer '" + name + "'; expected l2");
    };
  }

  /** A regularizer from its Keras class name and config. */
  static Regularizer of(String className, Map<String, Object> config) {
    if (className.equals("L2") && config.get("l2") instanceof Number l2) {
      return new L2(l2.doubleValue());
    }
    throw new IllegalArgumentException(
        "unknown regularizer " + className + " " + config + "; expected L2 with an l2 factor");
  }
}
