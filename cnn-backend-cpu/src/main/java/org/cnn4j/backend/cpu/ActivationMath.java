package org.cnn4j.backend.cpu;

import org.apache.commons.numbers.gamma.Erf;
import org.cnn4j.spi.ActivationKind;

/**
 * Every activation's value and derivative in float, for the Java loops (the hot kinds, ReLU and
 * linear, also have loops of their own in the callers). Derivatives of the kinds that allow it are
 * taken from the output, as the SPI lets a caller pass y for x after an in-place forward.
 */
final class ActivationMath {
  private ActivationMath() {}

  private static final double GELU_C = Math.sqrt(2 / Math.PI);
  private static final double SQRT2 = Math.sqrt(2);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  static float apply(ActivationKind kind, float alpha, float x) {
    return switch (kind) {
      case LINEAR -> x;
      case RELU -> Math.max(x, 0f);
      case LEAKY_RELU -> x > 0 ? x : alpha * x;
      case CLIPPED_RELU -> Math.min(Math.max(x, 0f), alpha);
      case ELU -> x > 0 ? x : (float) (alpha * Math.expm1(x));
      case SELU ->
          (float)
              (ActivationKind.SELU_SCALE * (x > 0 ? x : ActivationKind.SELU_ALPHA * Math.expm1(x)));
      case GELU -> (float) (0.5 * x * (1 + Erf.value(x / SQRT2)));
      case GELU_TANH -> (float) (0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x))));
      case SILU -> (float) (x / (1 + Math.exp(-x)));
      case HARD_SIGMOID -> hardSigmoid(x);
      case HARD_SILU -> x * hardSigmoid(x);
      case SOFTPLUS -> (float) (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
      case SOFTSIGN -> x / (1 + Math.abs(x));
      case EXPONENTIAL -> (float) Math.exp(x);
      case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
      case TANH -> (float) Math.tanh(x);
    };
  }

  private static float hardSigmoid(float x) {
    return Math.min(Math.max(x / 6f + 0.5f, 0f), 1f);
  }

  /**
   * {@code dy * f'(x)}, from y for the kinds whose derivative comes from the output, else from x.
   */
  static float backward(ActivationKind kind, float alpha, float x, float y, float dy) {
    return switch (kind) {
      case LINEAR -> dy;
      case RELU -> y > 0 ? dy : 0f;
      case LEAKY_RELU -> y > 0 ? dy : alpha * dy;
      case CLIPPED_RELU -> y > 0 && y < alpha ? dy : 0f;
      case ELU -> y > 0 ? dy : dy * (y + alpha);
      case SELU ->
          (float)
              (dy
                  * (y > 0
                      ? ActivationKind.SELU_SCALE
                      : y + ActivationKind.SELU_SCALE * ActivationKind.SELU_ALPHA));
      case HARD_SIGMOID -> y > 0 && y < 1 ? dy / 6f : 0f;
      case SOFTPLUS -> (float) (-dy * Math.expm1(-y));
      case SOFTSIGN -> dy * (1 - Math.abs(y)) * (1 - Math.abs(y));
      case EXPONENTIAL -> dy * y;
      case SIGMOID -> dy * y * (1f - y);
      case TANH -> dy * (1f - y * y);
      case GELU ->
          (float)
              (dy * (0.5 * (1 + Erf.value(x / SQRT2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI));
      case GELU_TANH -> {
        double t = Math.tanh(GELU_C * (x + 0.044715 * x * x * x));
        yield (float)
            (dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x)));
      }
      case SILU -> {
        double s = 1 / (1 + Math.exp(-x));
        yield (float) (dy * s * (1 + x * (1 - s)));
      }
      case HARD_SILU -> dy * (hardSigmoid(x) + (x > -3 && x < 3 ? x / 6f : 0f));
    };
  }
}
