package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.spi.ActivationKind;

/** Keras' {@code ELU(alpha=1.0)}: {@code x > 0 ? x : alpha * (exp(x) - 1)}. */
public final class ELU extends ActivationLayer {
  private final double alpha;

  /** ELU with Keras' default {@code alpha=1.0}. */
  public ELU() {
    this(1.0);
  }

  /**
   * ELU with another {@code alpha}.
   *
   * @param alpha the scale of the negative part, finite and > 0
   */
  public ELU(double alpha) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("ELU: alpha must be finite and > 0, got " + alpha);
    }
    this.alpha = alpha;
  }

  @Override
  Activations activation() {
    return new Activations("elu", ActivationKind.ELU, (float) alpha, false);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("alpha", alpha);
    return c;
  }
}
