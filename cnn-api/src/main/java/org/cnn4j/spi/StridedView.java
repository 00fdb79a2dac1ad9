package org.cnn4j.spi;

import java.util.Arrays;

/**
 * A strided view of a buffer, as NumPy's: element {@code (i0, ..., ik)} of {@code shape} is at
 * {@code offset + i0 * strides[0] + ... + ik * strides[k]} (in floats). A stride of 0 repeats an
 * element along that axis (broadcasting); contiguous row-major strides give the plain layout. Rank
 * 1 to 6, every size >= 1, strides and offset >= 0.
 *
 * <p>Concatenation, slicing, padding, cropping, transposes and nearest upsampling are all copies
 * between two views of this kind ({@link Backend#copyStrided}).
 *
 * @param offset where element (0, ..., 0) is
 * @param shape the sizes of the axes
 * @param strides the step of each axis
 */
public record StridedView(long offset, int[] shape, long[] strides) {
  /** The most axes a view may have. */
  public static final int MAX_RANK = 6;

  /** Copies the arrays and checks the rank, the sizes, the strides and the offset. */
  public StridedView {
    shape = shape.clone();
    strides = strides.clone();
    if (shape.length < 1 || shape.length > MAX_RANK || strides.length != shape.length) {
      throw new IllegalArgumentException(
          "a strided view has 1 to "
              + MAX_RANK
              + " axes with one stride each, got shape "
              + Arrays.toString(shape)
              + " and strides "
              + Arrays.toString(strides));
    }
    if (offset < 0) throw new IllegalArgumentException("view offset must be >= 0, got " + offset);
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 1 || strides[i] < 0) {
        throw new IllegalArgumentException(
            "view sizes must be >= 1 and strides >= 0, got shape "
                + Arrays.toString(shape)
                + " strides "
                + Arrays.toString(strides));
      }
    }
  }

  /** The row-major view of {@code shape} starting at {@code offset}. */
  public static StridedView contiguous(long offset, int... shape) {
    long[] strides = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    return new StridedView(offset, shape, strides);
  }

  /** The row-major view of {@code shape} at offset 0. */
  public static StridedView contiguous(int... shape) {
    return contiguous(0, shape);
  }

  /** The number of axes. */
  public int rank() {
    return shape.length;
  }

  /** The number of elements the view addresses (with repeats). */
  public long size() {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  /** One past the highest position the view reaches: the buffer must hold at least this many. */
  public long extent() {
    long last = offset;
    for (int i = 0; i < shape.length; i++) last += (long) (shape[i] - 1) * strides[i];
    return last + 1;
  }

  /** The position of the element with row-major index {@code flat} of {@link #shape}. */
  public long position(long flat) {
    long pos = offset;
    for (int i = shape.length - 1; i >= 0; i--) {
      pos += (flat % shape[i]) * strides[i];
      flat /= shape[i];
    }
    return pos;
  }

  /**
   * Whether two different indices reach one position (a stride 0 on an axis longer than 1, or
   * overlapping axes): such a view may be read from but not written to.
   */
  public boolean repeats() {
    Integer[] order = new Integer[shape.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Long.compare(strides[a], strides[b]));
    long reach = 1;
    for (int i : order) {
      if (shape[i] == 1) continue;
      if (strides[i] < reach) return true;
      reach = strides[i] * shape[i];
    }
    return false;
  }

  /** A copy of the sizes of the axes. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** A copy of the step of each axis. */
  @Override
  public long[] strides() {
    return strides.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StridedView v
        && v.offset == offset
        && Arrays.equals(v.shape, shape)
        && Arrays.equals(v.strides, strides);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(offset) * 31 + Arrays.hashCode(shape) * 17 + Arrays.hashCode(strides);
  }

  @Override
  public String toString() {
    return "StridedView[offset="
        + offset
        + ", shape="
        + Arrays.toString(shape)
        + ", strides="
        + Arrays.toString(strides)
        + "]";
  }
}
