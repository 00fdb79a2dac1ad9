package org.cnn4j.spi;

/**
 * The geometry of one 2-D pooling, NHWC. Shapes: input {@code [n, h, w, c]}, output {@code [n,
 * outH, outW, c]}. Padded positions never win a max and are not counted in an average (TensorFlow's
 * rule).
 */
public record Pool2dSpec(
    int n,
    int h,
    int w,
    int c,
    int poolH,
    int poolW,
    int strideH,
    int strideW,
    int padTop,
    int padLeft,
    int outH,
    int outW) {

  /** Checks that every size and stride is at least 1 and the output is not empty. */
  public Pool2dSpec {
    if (n < 1 || h < 1 || w < 1 || c < 1 || poolH < 1 || poolW < 1 || strideH < 1 || strideW < 1) {
      throw new IllegalArgumentException("pooling sizes must be >= 1: " + this);
    }
    if (outH < 1 || outW < 1) {
      throw new IllegalArgumentException(
          "pooling output would be empty: input " + h + "x" + w + ", pool " + poolH + "x" + poolW);
    }
  }

  /** The pooling Keras computes for these sizes, strides and padding mode. */
  public static Pool2dSpec of(
      int n, int h, int w, int c, int poolH, int poolW, int strideH, int strideW, Padding padding) {
    int outH = Conv2dSpec.outputSize(h, poolH, strideH, padding);
    int outW = Conv2dSpec.outputSize(w, poolW, strideW, padding);
    int padTop = padding == Padding.SAME ? Math.max((outH - 1) * strideH + poolH - h, 0) / 2 : 0;
    int padLeft = padding == Padding.SAME ? Math.max((outW - 1) * strideW + poolW - w, 0) / 2 : 0;
    return new Pool2dSpec(n, h, w, c, poolH, poolW, strideH, strideW, padTop, padLeft, outH, outW);
  }

  /** This pooling on a batch of {@code newN} images. */
  public Pool2dSpec withBatch(int newN) {
    return new Pool2dSpec(
        newN, h, w, c, poolH, poolW, strideH, strideW, padTop, padLeft, outH, outW);
  }

  /** Floats in the input, {@code n * h * w * c}. */
  public long inputLength() {
    return (long) n * h * w * c;
  }

  /** Floats in the output, {@code n * outH * outW * c}. */
  public long outputLength() {
    return (long) n * outH * outW * c;
  }
}
