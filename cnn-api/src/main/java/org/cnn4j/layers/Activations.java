package org.cnn4j.layers;

import java.util.Locale;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' activation names ({@code keras.activations}) and how a layer applies one: linear, relu,
 * relu6, leaky_relu (slope 0.2, as {@code keras.activations.leaky_relu}; 0.3 is only the LeakyReLU
 * layer's default), elu, selu, gelu (exact; {@code gelu_approximate} is cnn4j's name for Keras'
 * {@code gelu(x, approximate=True)}), silu (swish), hard_sigmoid, hard_silu (hard_swish), softplus,
 * softsign, sigmoid, tanh, exponential, softmax (last axis).
 *
 * @param name the Keras name, as model files keep it
 * @param kind the backend's element-wise activation ({@code LINEAR} for softmax)
 * @param alpha the activation's parameter: the slope of leaky_relu, elu's alpha, relu6's ceiling; 0
 *     where it has none
 * @param softmax whether it is the softmax over the last axis rather than an element-wise one
 */
public record Activations(String name, ActivationKind kind, float alpha, boolean softmax) {
  /** The identity: no activation (Keras' "linear", and what null means). */
  public static final Activations LINEAR =
      new Activations("linear", ActivationKind.LINEAR, 0f, false);

  /** The names {@link #of} takes. */
  public static final java.util.List<String> NAMES =
      java.util.List.of(
          "linear",
          "relu",
          "relu6",
          "leaky_relu",
          "elu",
          "selu",
          "gelu",
          "gelu_approximate",
          "silu",
          "swish",
          "hard_sigmoid",
          "hard_silu",
          "hard_swish",
          "softplus",
          "softsign",
          "sigmoid",
          "tanh",
          "exponential",
          "softmax");

  /** Parses a Keras activation name; null or "linear" means none. */
  public static Activations of(String name) {
    if (name == null) return LINEAR;
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "linear" -> LINEAR;
      case "relu" -> of("relu", ActivationKind.RELU, 0f);
      case "relu6" -> of("relu6", ActivationKind.CLIPPED_RELU, 6f);
      case "leaky_relu" -> of("leaky_relu", ActivationKind.LEAKY_RELU, 0.2f);
      case "elu" -> of("elu", ActivationKind.ELU, 1f);
      case "selu" -> of("selu", ActivationKind.SELU, 0f);
      case "gelu" -> of("gelu", ActivationKind.GELU, 0f);
      case "gelu_approximate" -> of("gelu_approximate", ActivationKind.GELU_TANH, 0f);
      case "silu", "swish" -> of("silu", ActivationKind.SILU, 0f);
      case "hard_sigmoid" -> of("hard_sigmoid", ActivationKind.HARD_SIGMOID, 0f);
      case "hard_silu", "hard_swish" -> of("hard_silu", ActivationKind.HARD_SILU, 0f);
      case "softplus" -> of("softplus", ActivationKind.SOFTPLUS, 0f);
      case "softsign" -> of("softsign", ActivationKind.SOFTSIGN, 0f);
      case "sigmoid" -> of("sigmoid", ActivationKind.SIGMOID, 0f);
      case "tanh" -> of("tanh", ActivationKind.TANH, 0f);
      case "exponential" -> of("exponential", ActivationKind.EXPONENTIAL, 0f);
      case "softmax" -> new Activations("softmax", ActivationKind.LINEAR, 0f, true);
      default ->
          throw new IllegalArgumentException(
              "unknown activation '" + name + "'; expected one of " + NAMES);
    };
  }

  private static Activations of(String name, ActivationKind kind, float alpha) {
    return new Activations(name, kind, alpha, false);
  }

  /**
   * Whether a layer may apply it in place over its pre-activation output and still differentiate it
   * (the derivative comes from the output); softmax and the GELU/SiLU family need a copy.
   */
  public boolean inPlace() {
    return !softmax && kind.derivativeFromOutput();
  }

  /** Whether it is the identity ("linear"), which a layer skips. */
  public boolean isLinear() {
    return !softmax && kind == ActivationKind.LINEAR;
  }

  /**
   * Applies the activation to {@code z} and records its backward. Softmax acts on the last axis. In
   * place, the output overwrites z: only for a z that no backward reads (a layer's own fresh
   * output).
   */
  public Tensor apply(Step step, Tensor z, boolean inPlace) {
    if (isLinear()) return z;
    var backend = step.backend();
    int cols = z.shape().dim(-1);
    int rows = (int) (z.size() / cols);
    // In place, the output is a second tensor over z's buffer, so its gradient stays apart from
    // z's.
    Tensor y = inPlace ? z.view(z.shape()) : step.allocate(z.shape());
    if (softmax) {
      backend.softmax(z.buffer(), y.buffer(), rows, cols);
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dz = step.allocate(z.shape());
            backend.softmaxBackward(y.buffer(), y.grad().buffer(), dz.buffer(), rows, cols);
            step.accumulateGrad(z, dz);
          });
    } else {
      backend.activationForward(kind, alpha, z.buffer(), y.buffer(), z.size());
      // ReLU and LeakyReLU read the sign of x, which y shares, so y can stand in for an overwritten
      // x.
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dz = step.allocate(z.shape());
            backend.activationBackward(
                kind,
                alpha,
                inPlace ? y.buffer() : z.buffer(),
                y.buffer(),
                y.grad().buffer(),
                dz.buffer(),
                z.size());
            step.accumulateGrad(z, dz);
          });
    }
    return y;
  }
}
