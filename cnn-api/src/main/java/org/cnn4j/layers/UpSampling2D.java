package org.cnn4j.layers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code UpSampling2D(size=(2, 2), interpolation="nearest")}: repeats each row and column
 * ("nearest"), or resizes bilinearly with half-pixel centres ("bilinear", as Keras 3 does through
 * {@code ops.image.resize}).
 */
public final class UpSampling2D extends Layer {
  private final int sizeH;
  private final int sizeW;
  private final boolean bilinear;

  /** Doubles height and width by repeating rows and columns (Keras' defaults). */
  public UpSampling2D() {
    this(2, 2, "nearest");
  }

  /**
   * Repeats each row and column {@code size} times ("nearest").
   *
   * @param size the factor along height and width, >= 1
   */
  public UpSampling2D(int size) {
    this(size, size, "nearest");
  }

  /**
   * Upsamples by {@code sizeH} x {@code sizeW}.
   *
   * @param sizeH the factor along the height, >= 1
   * @param sizeW the factor along the width, >= 1
   * @param interpolation "nearest" or "bilinear"
   */
  public UpSampling2D(int sizeH, int sizeW, String interpolation) {
    if (sizeH < 1 || sizeW < 1) throw new IllegalArgumentException("UpSampling2D: size >= 1");
    this.sizeH = sizeH;
    this.sizeW = sizeW;
    this.bilinear =
        switch (interpolation.toLowerCase(Locale.ROOT)) {
          case "nearest" -> false;
          case "bilinear" -> true;
          default ->
              throw new IllegalArgumentException(
                  "UpSampling2D: interpolation must be nearest or bilinear, got " + interpolation);
        };
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("size", List.of(sizeH, sizeW));
    c.put("interpolation", bilinear ? "bilinear" : "nearest");
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    return Shape.of(input.dim(0) * sizeH, input.dim(1) * sizeW, input.dim(2));
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    var backend = step.backend();
    Shape in = x.shape();
    int n = in.dim(0);
    int h = in.dim(1);
    int w = in.dim(2);
    int c = in.dim(3);
    Tensor y = step.allocate(outputShape().withBatch(n));
    // Nearest: the output is [n, h, sizeH, w, sizeW, c], read from x with stride 0 on the repeats.
    int[] repeated = {n, h, sizeH, w, sizeW, c};
    if (bilinear) {
      backend.resizeBilinear(x.buffer(), n, h, w, c, h * sizeH, w * sizeW, y.buffer());
    } else {
      StridedView read =
          new StridedView(0, repeated, new long[] {(long) h * w * c, (long) w * c, 0, c, 0, 1});
      backend.copyStrided(x.buffer(), read, y.buffer(), StridedView.contiguous(repeated));
    }
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(in);
          if (bilinear) {
            backend.resizeBilinearBackward(
                y.grad().buffer(), n, h, w, c, h * sizeH, w * sizeW, dx.buffer());
          } else {
            backend.reduce(
                ReduceOp.SUM, y.grad().buffer(), repeated, new int[] {2, 4}, 1f, dx.buffer());
          }
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
