package org.cnn4j.layers;

import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/** Keras' {@code AveragePooling2D}: pool_size 2, strides = pool_size, padding valid by default. */
public final class AveragePooling2D extends Pooling2D<AveragePooling2D> {
  /** A 2 x 2 window with stride 2 (Keras' defaults). */
  public AveragePooling2D() {
    this(2);
  }

  /**
   * A square window, the stride its size.
   *
   * @param poolSize the window's height and width (Keras' {@code pool_size})
   */
  public AveragePooling2D(int poolSize) {
    super(poolSize, poolSize);
  }

  /**
   * A window of {@code poolH} x {@code poolW}, the strides its size.
   *
   * @param poolH the window's height
   * @param poolW the window's width
   */
  public AveragePooling2D(int poolH, int poolW) {
    super(poolH, poolW);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    var backend = step.backend();
    Pool2dSpec s = spec(x.shape().dim(0));
    Tensor y = step.allocate(outputShape().withBatch(s.n()));
    backend.avgPool2dForward(s, x.buffer(), y.buffer());
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(x.shape());
          backend.avgPool2dBackward(s, y.grad().buffer(), dx.buffer());
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
