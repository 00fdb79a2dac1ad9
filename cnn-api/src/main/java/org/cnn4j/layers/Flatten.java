package org.cnn4j.layers;

import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Flatten}: a view, no copy; NHWC order, so it matches Keras' weights as they are.
 */
public final class Flatten extends Layer {
  @Override
  protected Shape computeOutputShape(Shape input) {
    long size = input.size();
    if (size > Integer.MAX_VALUE) throw badInput(input, "at most 2^31 - 1 features per sample");
    return Shape.of((int) size);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    Tensor y = x.view(outputShape().withBatch(x.shape().dim(0)));
    step.record(
        () -> {
          if (y.grad() != null) step.accumulateGrad(x, y.grad().view(x.shape()));
        });
    return y;
  }
}
