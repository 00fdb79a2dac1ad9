package org.cnn4j.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.spi.ActivationKind;

/**
 * Keras' {@code ReLU(max_value=None, negative_slope=0.0, threshold=0.0)}: {@code ReLU(6.0)} is
 * relu6, a negative slope makes it leaky. The threshold, and a slope together with a max value, are
 * not supported (an error says so): no Keras application uses them.
 */
public final class ReLU extends ActivationLayer {
  private final Double maxValue;
  private final double negativeSlope;
  private final Activations activation;

  /** Plain ReLU. */
  public ReLU() {
    this(null, 0, 0);
  }

  /** ReLU capped at {@code maxValue} (6 for relu6). */
  public ReLU(double maxValue) {
    this(maxValue, 0, 0);
  }

  /** Keras' three arguments; maxValue may be null (no cap). */
  public ReLU(Double maxValue, double negativeSlope, double threshold) {
    if (maxValue != null && !(maxValue >= 0)) {
      throw new IllegalArgumentException("ReLU: max_value must be >= 0, got " + maxValue);
    }
    if (!(negativeSlope >= 0)) {
      throw new IllegalArgumentException("ReLU: negative_slope must be >= 0, got " + negativeSlope);
    }
    if (threshold != 0 || (maxValue != null && negativeSlope != 0)) {
      throw new IllegalArgumentException(
          "ReLU: threshold != 0, or max_value together with negative_slope, is not supported");
    }
    this.maxValue = maxValue;
    this.negativeSlope = negativeSlope;
    this.activation =
        maxValue != null
            ? new Activations("relu6", ActivationKind.CLIPPED_RELU, maxValue.floatValue(), false)
            : negativeSlope != 0
                ? new Activations(
                    "leaky_relu", ActivationKind.LEAKY_RELU, (float) negativeSlope, false)
                : Activations.of("relu");
  }

  @Override
  Activations activation() {
    return activation;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>(super.config());
    c.put("max_value", maxValue);
    c.put("negative_slope", negativeSlope);
    c.put("threshold", 0.0);
    return c;
  }
}
