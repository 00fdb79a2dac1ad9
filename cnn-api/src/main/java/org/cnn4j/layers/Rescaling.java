package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Rescaling(scale, offset=0.0)}: {@code y = x * scale + offset}, in training and in
 * inference alike ({@code Rescaling(1. / 255)} maps pixels to [0, 1]). No parameters; the gradient
 * is {@code dy * scale}.
 */
public final class Rescaling extends Layer {
  private final float scale;
  private final float offset;

  /**
   * {@code y = x * scale}.
   *
   * @param scale the factor, finite
   */
  public Rescaling(double scale) {
    this(scale, 0);
  }

  /**
   * {@code y = x * scale + offset}.
   *
   * @param scale the factor, finite
   * @param offset the value added after scaling, finite
   */
  public Rescaling(double scale, double offset) {
    if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
      throw new IllegalArgumentException(
          "Rescaling: scale and offset must be finite, got " + scale + ", " + offset);
    }
    this.scale = (float) scale;
    this.offset = (float) offset;
  }

  /** The factor (Keras' {@code scale}). */
  public float scale() {
    return scale;
  }

  /** The value added after scaling (Keras' {@code offset}). */
  public float offset() {
    return offset;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("scale", (double) scale);
    c.put("offset", (double) offset);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    var backend = step.backend();
    Tensor y = step.allocate(x.shape(), x.requiresGrad());
    if (offset == 0f) {
      backend.axpby(scale, x.buffer(), 0f, y.buffer(), x.size());
    } else {
      backend.fill(y.buffer(), 0, x.size(), offset);
      backend.axpby(scale, x.buffer(), 1f, y.buffer(), x.size());
    }
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dx = step.allocate(x.shape());
            backend.axpby(scale, y.grad().buffer(), 0f, dx.buffer(), x.size());
            step.accumulateGrad(x, dx);
          });
    }
    return y;
  }
}
