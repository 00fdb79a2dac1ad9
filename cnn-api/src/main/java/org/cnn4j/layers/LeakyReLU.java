package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.spi.ActivationKind;

/** Keras' {@code LeakyReLU(negative_slope=0.3)}: {@code x > 0 ? x : negative_slope * x}. */
public final class LeakyReLU extends ActivationLayer {
  private final double negativeSlope;

  /** LeakyReLU with Keras' default {@code negative_slope=0.3}. */
  public LeakyReLU() {
    this(0.3);
  }

  /**
   * LeakyReLU with another slope.
   *
   * @param negativeSlope the factor of negative inputs, finite and >= 0
   */
  public LeakyReLU(double negativeSlope) {
    if (!(negativeSlope >= 0) || Double.isInfinite(negativeSlope)) {
      throw new IllegalArgumentException(
          "LeakyReLU: negative_slope must be finite and >= 0, got " + negativeSlope);
    }
    this.negativeSlope = negativeSlope;
  }

  @Override
  Activations activation() {
    return new Activations("leaky_relu", ActivationKind.LEAKY_RELU, (float) negativeSlope, false);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("negative_slope", negativeSlope);
    return c;
  }
}
