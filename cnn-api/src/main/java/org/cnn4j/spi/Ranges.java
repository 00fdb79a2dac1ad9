package org.cnn4j.spi;

/**
 * The argument checks every backend makes before touching memory (one place, so all backends report
 * a bad offset or leading dimension with the same words). Native code behind them would otherwise
 * write outside a buffer and take the JVM down instead of throwing.
 */
public final class Ranges {
  private Ranges() {}

  /** Checks that {@code [offset, offset + len)} lies inside {@code b}. */
  public static void check(String name, DeviceBuffer b, long offset, long len) {
    if (b == null) throw new NullPointerException(name + " is null");
    if (offset < 0 || len < 0 || offset + len > b.length()) {
      throw new IndexOutOfBoundsException(
          name
              + ": range ["
              + offset
              + ", "
              + (offset + len)
              + ") outside a buffer of "
              + b.length()
              + " floats");
    }
  }

  /**
   * {@code size} as an int, for kernels that index convolution and pooling tensors in 32 bits
   * (64-bit division is slow on many devices); a larger tensor is an error that says what to do.
   */
  public static int int32(String backendId, long size, String what) {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          what
              + " has "
              + size
              + " elements; the "
              + backendId
              + " backend handles at most 2^31 - 1 per convolution or pooling tensor (split the batch)");
    }
    return (int) size;
  }

  /**
   * Checks an {@link Backend#im2col} or {@link Backend#col2im} call for a device whose kernels
   * index in 32 bits: the image range and group ({@link #checkImages}), then the column matrix and
   * the input each below 2^31 elements.
   *
   * @param backendId the backend, for the message
   * @param s the convolution
   * @param first the first image
   * @param count how many images
   * @param group the channel group
   * @return the column matrix's length, {@code count * outH * outW * kh * kw * c / groups}
   * @throws IllegalArgumentException when an argument is out of range or a tensor too large
   */
  public static int checkColumns(String backendId, Conv2dSpec s, int first, int count, int group) {
    checkImages(s, first, count, group);
    int columnWidth = s.kh() * s.kw() * (s.c() / s.groups());
    int total =
        int32(backendId, (long) count * s.outH() * s.outW() * columnWidth, "im2col columns");
    int32(backendId, s.inputLength(), "convolution input");
    return total;
  }

  /**
   * Checks the sizes of a {@link Backend#resizeBilinear} or {@link Backend#resizeBilinearBackward}
   * call for a device whose kernels index in 32 bits.
   *
   * @param backendId the backend, for the message
   * @param op the op, for the message
   * @param n images, at least 0
   * @param h input height, at least 1
   * @param w input width, at least 1
   * @param c channels, at least 0
   * @param outH output height, at least 1
   * @param outW output width, at least 1
   * @throws IllegalArgumentException when a size is out of range or a tensor has 2^31 elements or
   *     more
   */
  public static void checkResize(
      String backendId, String op, int n, int h, int w, int c, int outH, int outW) {
    if (n < 0 || c < 0 || h < 1 || w < 1 || outH < 1 || outW < 1) {
      throw new IllegalArgumentException(
          op
              + ": sizes must be >= 1 (n and c >= 0), got n="
              + n
              + " "
              + h
              + "x"
              + w
              + "x"
              + c
              + " -> "
              + outH
              + "x"
              + outW);
    }
    int32(backendId, (long) n * h * w * c, "resize input");
    int32(backendId, (long) n * outH * outW * c, "resize output");
  }

  /**
   * Checks a row-major {@code rows x cols} matrix stored with leading dimension {@code ld} from
   * {@code offset}; an empty matrix is always valid.
   */
  public static void checkMatrix(
      String name, DeviceBuffer b, long offset, int rows, int cols, int ld) {
    if (rows == 0 || cols == 0) return;
    if (ld < cols) {
      throw new IllegalArgumentException(
          name + ": leading dimension " + ld + " < " + cols + " columns");
    }
    check(name, b, offset, (long) (rows - 1) * ld + cols);
  }

  /**
   * Checks a {@link Backend#gemm} call before any memory is touched: sizes >= 0 and every operand
   * inside its buffer (op(A) {@code [m, k]}, op(B) {@code [k, n]}, C {@code [m, n]}, each stored
   * row-major with its leading dimension from its offset).
   */
  public static void checkGemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      DeviceBuffer a,
      long aOffset,
      int lda,
      DeviceBuffer b,
      long bOffset,
      int ldb,
      DeviceBuffer c,
      long cOffset,
      int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("gemm sizes must be >= 0: m=" + m + " n=" + n + " k=" + k);
    }
    checkMatrix("gemm A", a, aOffset, transA ? k : m, transA ? m : k, lda);
    checkMatrix("gemm B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
    checkMatrix("gemm C", c, cOffset, m, n, ldc);
  }

  /**
   * Checks the image range and channel group of an {@link Backend#im2col} or {@link Backend#col2im}
   * call against the convolution it unfolds.
   */
  public static void checkImages(Conv2dSpec s, int first, int count, int group) {
    if (first < 0 || count < 0 || first + count > s.n() || group < 0 || group >= s.groups()) {
      throw new IllegalArgumentException(
          "images [" + first + ", " + (first + count) + ") group " + group + " outside " + s);
    }
  }
}
