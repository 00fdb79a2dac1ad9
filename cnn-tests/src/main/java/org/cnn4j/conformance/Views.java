package org.cnn4j.conformance;

import java.util.Arrays;
import org.cnn4j.spi.StridedView;

/**
 * The strided views the layout and broadcasting cases are made of, built the way the layers build
 * them: a box of a larger row-major tensor (slices, crops, one part of a concatenation or a pad),
 * axes read in another order (transposes), NumPy broadcasting (stride 0).
 */
final class Views {
  private Views() {}

  /** Row-major strides of {@code shape}. */
  static long[] rowMajor(int... shape) {
    long[] strides = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    return strides;
  }

  /**
   * The box {@code [start, start + size)} of a row-major {@code whole} stored from {@code base}.
   */
  static StridedView box(int[] whole, int[] start, int[] size, long base) {
    long[] strides = rowMajor(whole);
    long offset = base;
    for (int i = 0; i < whole.length; i++) offset += start[i] * strides[i];
    return new StridedView(offset, size, strides);
  }

  /** A row-major {@code shape} read with its axes in the order {@code perm} (NumPy's transpose). */
  static StridedView permuted(int[] shape, int... perm) {
    long[] strides = rowMajor(shape);
    int[] size = new int[perm.length];
    long[] step = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      size[i] = shape[perm[i]];
      step[i] = strides[perm[i]];
    }
    return new StridedView(0, size, step);
  }

  /**
   * A row-major operand of {@code operand} shape at {@code offset} broadcast to {@code shape} as
   * NumPy does: shapes aligned at the right, missing and size-1 axes repeated (stride 0).
   */
  static StridedView broadcast(int[] operand, long offset, int... shape) {
    long[] own = rowMajor(operand);
    long[] strides = new long[shape.length];
    int lead = shape.length - operand.length;
    for (int i = 0; i < shape.length; i++) {
      int j = i - lead;
      if (j < 0 || operand[j] == 1) continue;
      if (operand[j] != shape[i]) {
        throw new IllegalArgumentException(
            Arrays.toString(operand) + " does not broadcast to " + Arrays.toString(shape));
      }
      strides[i] = own[j];
    }
    return new StridedView(offset, shape, strides);
  }

  /** {@code shape@offset/strides}, short enough for a display name. */
  static String describe(StridedView v) {
    return Arrays.toString(v.shape()) + "@" + v.offset() + "/" + Arrays.toString(v.strides());
  }

  /** Floats a buffer needs to hold {@code v}, plus {@code slack} past its last element. */
  static int length(StridedView v, int slack) {
    return Math.toIntExact(v.extent() + slack);
  }
}
