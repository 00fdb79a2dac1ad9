package org.cnn4j.spi;

/**
 * The geometry of one 2-D convolution, NHWC input and HWIO kernel. The one place output sizes are
 * computed.
 *
 * <p>Shapes: input {@code [n, h, w, c]}, kernel {@code [kh, kw, c / groups, filters]}, output
 * {@code [n, outH, outW, filters]}. Output channel {@code f} reads input channels of group {@code f
 * / (filters / groups)}.
 */
public record Conv2dSpec(
    int n,
    int h,
    int w,
    int c,
    int kh,
    int kw,
    int filters,
    int strideH,
    int strideW,
    int padTop,
    int padLeft,
    int dilationH,
    int dilationW,
    int groups,
    int outH,
    int outW) {

  /**
   * Checks that every size, stride and dilation and the group count is at least 1, the padding is
   * not negative, the groups divide the channels and filters, and the output is not empty.
   */
  public Conv2dSpec {
    positive("n", n);
    positive("h", h);
    positive("w", w);
    positive("c", c);
    positive("kh", kh);
    positive("kw", kw);
    positive("filters", filters);
    positive("strideH", strideH);
    positive("strideW", strideW);
    positive("dilationH", dilationH);
    positive("dilationW", dilationW);
    positive("groups", groups);
    if (padTop < 0 || padLeft < 0) throw new IllegalArgumentException("padding must be >= 0");
    if (c % groups != 0 || filters % groups != 0) {
      throw new IllegalArgumentException(
          "groups=" + groups + " must divide channels " + c + " and filters " + filters);
    }
    if (outH < 1 || outW < 1) {
      throw new IllegalArgumentException(
          "convolution output would be empty: input "
              + h
              + "x"
              + w
              + ", kernel "
              + kh
              + "x"
              + kw
              + ", dilation "
              + dilationH
              + "x"
              + dilationW
              + ", padding "
              + padTop
              + "/"
              + padLeft);
    }
  }

  /** Builds a spec, computing padding and output size from Keras' padding mode. */
  public static Conv2dSpec of(
      int n,
      int h,
      int w,
      int c,
      int kh,
      int kw,
      int filters,
      int strideH,
      int strideW,
      Padding padding,
      int dilationH,
      int dilationW,
      int groups) {
    int effKh = (kh - 1) * dilationH + 1;
    int effKw = (kw - 1) * dilationW + 1;
    int outH = outputSize(h, effKh, strideH, padding);
    int outW = outputSize(w, effKw, strideW, padding);
    int padTop = padding == Padding.SAME ? Math.max((outH - 1) * strideH + effKh - h, 0) / 2 : 0;
    int padLeft = padding == Padding.SAME ? Math.max((outW - 1) * strideW + effKw - w, 0) / 2 : 0;
    return new Conv2dSpec(
        n, h, w, c, kh, kw, filters, strideH, strideW, padTop, padLeft, dilationH, dilationW,
        groups, outH, outW);
  }

  /**
   * Output length along one axis for an (effective) window size, stride and padding mode, as Keras
   * computes it: {@code floor((in - window) / stride) + 1} for valid padding, so a window larger
   * than the input gives zero or less (which the constructor rejects), never a 1 from Java's
   * rounding toward zero.
   */
  public static int outputSize(int in, int window, int stride, Padding padding) {
    return padding == Padding.SAME
        ? (in + stride - 1) / stride
        : Math.floorDiv(in - window, stride) + 1;
  }

  /** This convolution on a batch of {@code newN} images. */
  public Conv2dSpec withBatch(int newN) {
    return new Conv2dSpec(
        newN, h, w, c, kh, kw, filters, strideH, strideW, padTop, padLeft, dilationH, dilationW,
        groups, outH, outW);
  }

  /**
   * Padding below the input that the output size implies: negative where the last windows end above
   * the input's last row (a strided 'valid' convolution leaving rows unread).
   */
  public long padBottom() {
    return (long) (outH - 1) * strideH + (long) (kh - 1) * dilationH + 1 - h - padTop;
  }

  /** Padding right of the input that the output size implies; negative as {@link #padBottom}. */
  public long padRight() {
    return (long) (outW - 1) * strideW + (long) (kw - 1) * dilationW + 1 - w - padLeft;
  }

  /** Floats in the input, {@code n * h * w * c}. */
  public long inputLength() {
    return (long) n * h * w * c;
  }

  /** Floats in the kernel, {@code kh * kw * (c / groups) * filters}. */
  public long kernelLength() {
    return (long) kh * kw * (c / groups) * filters;
  }

  /** Floats in the output, {@code n * outH * outW * filters}. */
  public long outputLength() {
    return (long) n * outH * outW * filters;
  }

  private static void positive(String name, int v) {
    if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
  }
}
