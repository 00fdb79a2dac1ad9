package org.cnn4j.spi;

/**
 * Element-wise activations a backend computes forward and backward, as {@code keras.activations}
 * defines them (Keras 3). Softmax is a row op of its own. {@code alpha} is the one parameter a kind
 * may take; the others ignore it.
 */
public enum ActivationKind {
  /** {@code x}. */
  LINEAR,
  /** {@code max(x, 0)}. */
  RELU,
  /** {@code 1 / (1 + exp(-x))}. */
  SIGMOID,
  /** {@code tanh(x)}. */
  TANH,
  /**
   * {@code x > 0 ? x : alpha * x}; {@code keras.activations.leaky_relu}'s default slope is 0.2, the
   * LeakyReLU layer's 0.3.
   */
  LEAKY_RELU,
  /** {@code min(max(x, 0), alpha)}: ReLU capped at {@code alpha} (6 for relu6). */
  CLIPPED_RELU,
  /** {@code x > 0 ? x : alpha * (exp(x) - 1)} (Keras' default alpha 1). */
  ELU,
  /**
   * {@code scale * (x > 0 ? x : a * (exp(x) - 1))} with {@code scale = 1.0507009873554805} and
   * {@code a = 1.6732632423543772}.
   */
  SELU,
  /** {@code 0.5 x (1 + erf(x / sqrt(2)))} (Keras' gelu with approximate=False, its default). */
  GELU,
  /** {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))} (gelu, approximate=True). */
  GELU_TANH,
  /** {@code x * sigmoid(x)} (silu, swish). */
  SILU,
  /** {@code min(max(x / 6 + 0.5, 0), 1)} (Keras 3's hard_sigmoid, relu6(x + 3) / 6). */
  HARD_SIGMOID,
  /** {@code x * hard_sigmoid(x)} (hard_silu, hard_swish). */
  HARD_SILU,
  /** {@code log(1 + exp(x))}. */
  SOFTPLUS,
  /** {@code x / (1 + |x|)}. */
  SOFTSIGN,
  /** {@code exp(x)}. */
  EXPONENTIAL;

  /** SELU's scale. */
  public static final double SELU_SCALE = 1.0507009873554805;

  /** SELU's alpha. */
  public static final double SELU_ALPHA = 1.6732632423543772;

  /**
   * Whether the derivative can be computed from the output alone. Then a layer may apply the
   * activation in place, over its pre-activation values, and the backward reads only the output
   * (for the ReLU family, the output's sign is the input's). GELU and the SiLU family need the
   * input.
   */
  public boolean derivativeFromOutput() {
    return switch (this) {
      case GELU, GELU_TANH, SILU, HARD_SILU -> false;
      default -> true;
    };
  }

  /**
   * Throws {@link IllegalArgumentException} naming {@code op} unless {@link
   * #derivativeFromOutput()} holds: the check of the ops that differentiate from the output alone
   * ({@link Backend#activationBackwardBias}, {@link Backend#conv2dBackwardFused}), in the same
   * words on every backend.
   */
  public void requireDerivativeFromOutput(String op) {
    if (!derivativeFromOutput()) {
      throw new IllegalArgumentException(
          op
              + ": the derivative of "
              + this
              + " needs the activation's input, which this op does not get (it reads only the"
              + " output); apply "
              + this
              + " with activationForward and differentiate with activationBackward");
    }
  }
}
