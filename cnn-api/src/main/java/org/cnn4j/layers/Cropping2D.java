package org.cnn4j.layers;

import java.util.List;
import java.util.Map;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Cropping2D(cropping=((0, 0), (0, 0)))}: removes rows and columns at the edges of
 * each image. The amounts are one int, (height, width) symmetric, or (top, bottom, left, right).
 */
public final class Cropping2D extends Layer {
  private final int top;
  private final int bottom;
  private final int left;
  private final int right;

  /** Crops nothing (Keras' default). */
  public Cropping2D() {
    this(0);
  }

  /** Keras' {@code cropping}: {@code p}, {@code (h, w)} or {@code (top, bottom, left, right)}. */
  public Cropping2D(int... cropping) {
    int[] a = Spatial2D.amounts("Cropping2D", cropping);
    top = a[0];
    bottom = a[1];
    left = a[2];
    right = a[3];
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("cropping", List.of(List.of(top, bottom), List.of(left, right)));
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    int h = input.dim(0) - top - bottom;
    int w = input.dim(1) - left - right;
    if (h < 1 || w < 1) {
      throw badInput(
          input,
          "an image larger than the cropping ("
              + top
              + ", "
              + bottom
              + ", "
              + left
              + ", "
              + right
              + ")");
    }
    return Shape.of(h, w, input.dim(2));
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    var backend = step.backend();
    Shape in = x.shape();
    Tensor y = step.allocate(outputShape().withBatch(in.dim(0)));
    StridedView inner = Spatial2D.window(in, top, left, y.shape().dim(1), y.shape().dim(2));
    backend.copyStrided(x.buffer(), inner, y.buffer(), StridedView.contiguous(y.shape().dims()));
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(in);
          backend.fill(dx.buffer(), 0, dx.size(), 0f);
          backend.copyStrided(
              y.grad().buffer(), StridedView.contiguous(y.shape().dims()), dx.buffer(), inner);
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
