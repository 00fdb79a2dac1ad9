package org.cnn4j.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape and axes of a {@link Backend#reduce}, checked, as a device kernel walks them: axes of
 * size 1 dropped and neighbouring axes of one kind (reduced or kept) merged into one block. Merging
 * keeps the row-major order of the kept elements and of the reduced ones, so blocks give the same
 * output layout, and the same ARGMAX/ARGMIN positions, as the axes they merge. One place, so every
 * device backend rejects a bad shape or bad axes with the same words.
 *
 * <p>Shapes: x contiguous over {@code sizes} (the product of all blocks); out the product of the
 * kept blocks.
 *
 * @param sizes the blocks' sizes, outermost first (none when every axis has size 1)
 * @param reduced whether each block is reduced (neighbours always differ)
 */
public record ReduceBlocks(int[] sizes, boolean[] reduced) {
  /** Copies the arrays and checks that there is one flag per block. */
  public ReduceBlocks {
    sizes = sizes.clone();
    reduced = reduced.clone();
    if (sizes.length != reduced.length) {
      throw new IllegalArgumentException("one reduced flag per block");
    }
  }

  /**
   * The blocks of {@code shape} reduced over {@code axes}.
   *
   * @throws IllegalArgumentException when a size is below 1, the axes are not distinct, ascending
   *     and in {@code [0, shape.length)}, or one block would exceed 2^31 - 1 elements
   */
  public static ReduceBlocks of(int[] shape, int[] axes) {
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "reduce: sizes must be >= 1, got shape " + Arrays.toString(shape));
      }
    }
    boolean[] onAxis = new boolean[shape.length];
    for (int i = 0; i < axes.length; i++) {
      if (axes[i] < 0 || axes[i] >= shape.length || (i > 0 && axes[i] <= axes[i - 1])) {
        throw new IllegalArgumentException(
            "reduce: axes "
                + Arrays.toString(axes)
                + " of a rank-"
                + shape.length
                + " tensor must be distinct, ascending and in range");
      }
      onAxis[axes[i]] = true;
    }
    List<Integer> sizes = new ArrayList<>();
    List<Boolean> kinds = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == 1) continue;
      int last = sizes.size() - 1;
      if (last >= 0 && kinds.get(last) == onAxis[i]) {
        long merged = (long) sizes.get(last) * shape[i];
        if (merged > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(
              "reduce: shape "
                  + Arrays.toString(shape)
                  + " has neighbouring axes of one kind with more than 2^31 - 1 elements together");
        }
        sizes.set(last, (int) merged);
      } else {
        sizes.add(shape[i]);
        kinds.add(onAxis[i]);
      }
    }
    boolean[] reduced = new boolean[kinds.size()];
    for (int i = 0; i < reduced.length; i++) reduced[i] = kinds.get(i);
    return new ReduceBlocks(sizes.stream().mapToInt(Integer::intValue).toArray(), reduced);
  }

  /**
   * Checks that x can be indexed in 32 bits, as device kernels index it.
   *
   * @param backendId the backend, for the message
   * @throws IllegalArgumentException when x has 2^31 elements or more
   */
  public void checkInt32(String backendId) {
    if (size() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "reduce: a tensor of "
              + size()
              + " elements; the "
              + backendId
              + " backend reduces at most 2^31 - 1 at once");
    }
  }

  /** How many blocks. */
  public int count() {
    return sizes.length;
  }

  /** The elements of x. */
  public long size() {
    long n = 1;
    for (int s : sizes) n *= s;
    return n;
  }

  /** The elements of out: the product of the kept blocks. */
  public long keptSize() {
    return product(false);
  }

  /** The elements each output combines: the product of the reduced blocks. */
  public long reducedSize() {
    return product(true);
  }

  /** The sizes of the kept ({@code ofReduced} false) or reduced blocks, outermost first. */
  public int[] sizes(boolean ofReduced) {
    int[] out = new int[blocks(ofReduced)];
    for (int i = 0, k = 0; i < sizes.length; i++) if (reduced[i] == ofReduced) out[k++] = sizes[i];
    return out;
  }

  /** The strides in x of the kept or reduced blocks, outermost first (x is contiguous). */
  public long[] strides(boolean ofReduced) {
    long[] out = new long[blocks(ofReduced)];
    long stride = 1;
    for (int i = sizes.length - 1, k = out.length - 1; i >= 0; i--) {
      if (reduced[i] == ofReduced) out[k--] = stride;
      stride *= sizes[i];
    }
    return out;
  }

  /** How many kept or reduced blocks. */
  public int blocks(boolean ofReduced) {
    int n = 0;
    for (boolean r : reduced) if (r == ofReduced) n++;
    return n;
  }

  private long product(boolean ofReduced) {
    long n = 1;
    for (int i = 0; i < sizes.length; i++) if (reduced[i] == ofReduced) n *= sizes[i];
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReduceBlocks b
        && Arrays.equals(sizes, b.sizes)
        && Arrays.equals(reduced, b.reduced);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(sizes) + Arrays.hashCode(reduced);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < sizes.length; i++) {
      if (i > 0) s.append(", ");
      s.append(sizes[i]).append(reduced[i] ? " reduced" : " kept");
    }
    return s.append(']').toString();
  }
}
