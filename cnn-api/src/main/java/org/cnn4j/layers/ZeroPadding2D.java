package org.cnn4j.layers;

import java.util.List;
import java.util.Map;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code ZeroPadding2D(padding=(1, 1))}: zero rows and columns around each image. The
 * amounts are one int, (height, width) symmetric, or (top, bottom, left, right).
 */
public final class ZeroPadding2D extends Layer {
  private final int top;
  private final int bottom;
  private final int left;
  private final int right;

  /** One row and column of zeros on every side (Keras' default). */
  public ZeroPadding2D() {
    this(1);
  }

  /** Keras' {@code padding}: {@code p}, {@code (h, w)} or {@code (top, bottom, left, right)}. */
  public ZeroPadding2D(int... padding) {
    int[] a = Spatial2D.amounts("ZeroPadding2D", padding);
    top = a[0];
    bottom = a[1];
    left = a[2];
    right = a[3];
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("padding", List.of(List.of(top, bottom), List.of(left, right)));
    return c;
  }

  /** Rows of zeros above each image. */
  int top() {
    return top;
  }

  /** Columns of zeros left of each image. */
  int left() {
    return left;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    return Shape.of(input.dim(0) + top + bottom, input.dim(1) + left + right, input.dim(2));
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    var backend = step.backend();
    Shape in = x.shape();
    Tensor y = step.allocate(outputShape().withBatch(in.dim(0)));
    StridedView inner = Spatial2D.window(y.shape(), top, left, in.dim(1), in.dim(2));
    backend.fill(y.buffer(), 0, y.size(), 0f);
    backend.copyStrided(x.buffer(), StridedView.contiguous(in.dims()), y.buffer(), inner);
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(in);
          backend.copyStrided(
              y.grad().buffer(), inner, dx.buffer(), StridedView.contiguous(in.dims()));
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
