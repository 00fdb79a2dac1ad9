package org.cnn4j.layers;

import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code GlobalAveragePooling2D}: the mean over height and width, {@code (None, channels)}.
 */
public final class GlobalAveragePooling2D extends Layer {
  private final boolean keepdims;

  /** Output {@code (None, channels)} (Keras' default {@code keepdims=False}). */
  public GlobalAveragePooling2D() {
    this(false);
  }

  /** With {@code keepdims} the output is {@code (None, 1, 1, channels)}, as Keras' argument. */
  public GlobalAveragePooling2D(boolean keepdims) {
    this.keepdims = keepdims;
  }

  @Override
  public java.util.Map<String, Object> config() {
    java.util.Map<String, Object> c = super.config();
    c.put("keepdims", keepdims);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    return keepdims ? Shape.of(1, 1, input.dim(2)) : Shape.of(input.dim(2));
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    var backend = step.backend();
    int batch = x.shape().dim(0);
    int pixels = inputShape().dim(0) * inputShape().dim(1);
    int channels = inputShape().dim(2);
    Tensor y = step.allocate(outputShape().withBatch(batch));
    backend.reduceMiddle(x.buffer(), batch, pixels, channels, 1f / pixels, y.buffer());
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(x.shape());
          backend.broadcastMiddle(
              y.grad().buffer(), batch, pixels, channels, 1f / pixels, 0f, dx.buffer());
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
