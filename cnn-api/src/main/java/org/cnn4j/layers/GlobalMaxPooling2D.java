package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code GlobalMaxPooling2D(keepdims=False)}: the maximum over height and width, {@code
 * (None, channels)}, or {@code (None, 1, 1, channels)} with keepdims. A max pooling whose window is
 * the whole image (ties pass the gradient to the first maximum, as the pooling op does).
 */
public final class GlobalMaxPooling2D extends Layer {
  private final boolean keepdims;

  /** Output {@code (None, channels)} (Keras' default {@code keepdims=False}). */
  public GlobalMaxPooling2D() {
    this(false);
  }

  /** With {@code keepdims} the output is {@code (None, 1, 1, channels)}, as Keras' argument. */
  public GlobalMaxPooling2D(boolean keepdims) {
    this.keepdims = keepdims;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
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
    Shape in = x.shape();
    Pool2dSpec s =
        Pool2dSpec.of(
            in.dim(0), in.dim(1), in.dim(2), in.dim(3), in.dim(1), in.dim(2), 1, 1, Padding.VALID);
    Tensor y = step.allocate(outputShape().withBatch(in.dim(0)));
    backend.maxPool2dForward(s, x.buffer(), y.buffer());
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(in);
          backend.maxPool2dBackward(s, x.buffer(), y.grad().buffer(), dx.buffer());
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
