package org.cnn4j.layers;

import java.util.function.Consumer;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * What Conv2D and Dense do after their product: add the bias and apply the activation in one
 * backend pass, and in backward turn the output gradient into the product's gradient and the bias
 * gradient in one pass. Softmax, a row op, runs as its own step after the bias.
 */
final class Epilogue {
  private Epilogue() {}

  /**
   * Finishes {@code z} (the layer's fresh product, {@code [rows, cols]}) in place and records the
   * backward, which hands the product's gradient to {@code productBackward}.
   */
  static Tensor apply(
      Step step,
      Tensor z,
      Parameter bias,
      Activations act,
      int rows,
      int cols,
      Consumer<Tensor> productBackward) {
    var backend = step.backend();
    var biasBuffer = bias == null ? null : bias.value().buffer();
    // In place when the activation's derivative comes from its output; else the bias goes in
    // place and the activation (softmax, GELU, SiLU) writes a new tensor, keeping z for backward.
    var elementwise = act.inPlace() ? act : Activations.LINEAR;
    backend.biasActivationForward(
        elementwise.kind(), elementwise.alpha(), z.buffer(), biasBuffer, rows, cols);
    Tensor y = act.inPlace() ? z.view(z.shape()) : z;
    step.record(
        () -> {
          Tensor dy = y.grad();
          if (dy == null) return;
          Tensor dz = elementwise.isLinear() ? dy : step.allocate(z.shape());
          backend.activationBackwardBias(
              elementwise.kind(),
              elementwise.alpha(),
              y.buffer(),
              dy.buffer(),
              dz.buffer(),
              rows,
              cols,
              bias == null ? null : step.gradient(bias).buffer());
          productBackward.accept(dz);
        });
    return act.inPlace() || act.isLinear() ? y : act.apply(step, z, act.softmax());
  }
}
