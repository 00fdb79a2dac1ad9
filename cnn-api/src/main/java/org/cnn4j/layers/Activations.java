package org.cnn4j.layers;

import java.util.Locale;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' activation names and how a layer applies one in place on its output: {@code relu}, {@code
 * sigmoid}, {@code tanh}, {@code softmax}, {@code leaky_relu} (slope 0.2, {@code
 * keras.activations.leaky_relu}'s default: 0.3 is only the {@code LeakyReLU} layer's), {@code
 * linear}.
 */
public record Activations(String name, ActivationKind kind, float alpha, boolean softmax) {
  public static final Activations LINEAR =
      new Activations("linear", ActivationKind.LINEAR, 0f, false);

  /** Parses a Keras activation name; null or "linear" means none. */
  public static Activations of(String name) {
    if (name == null) return LINEAR;
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "linear" -> LINEAR;
      case "relu" -> new Activations("relu", ActivationKind.RELU, 0f, false);
      case "sigmoid" -> new Activations("sigmoid", ActivationKind.SIGMOID, 0f, false);
      case "tanh" -> new Activations("tanh", ActivationKind.TANH, 0f, false);
      case "leaky_relu" -> new Activations("leaky_relu", ActivationKind.LEAKY_RELU, 0.2f, false);
      case "softmax" -> new Activations("softmax", ActivationKind.LINEAR, 0f, true);
      default ->
          throw new IllegalArgumentException(
              "unknown activation '"
                  + name
                  + "'; expected one of linear, relu, sigmoid, tanh, softmax, leaky_relu");
    };
  }

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
                kind, alpha, y.buffer(), y.buffer(), y.grad().buffer(), dz.buffer(), z.size());
            step.accumulateGrad(z, dz);
          });
    }
    return y;
  }
}
