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
}
