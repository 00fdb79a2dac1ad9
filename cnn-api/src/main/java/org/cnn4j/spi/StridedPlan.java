package org.cnn4j.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several {@link StridedView}s of one shape as a device kernel walks them: axes of size 1 dropped
 * and neighbouring axes merged wherever every view is contiguous across them, so a concatenation or
 * a slice becomes a few long rows; then one inner axis and at most five outer ones. The arguments
 * of {@link Backend#copyStrided} and {@link Backend#binaryBroadcast} are checked here, so every
 * device backend rejects them with the same words, and packed here as the kernels take them
 * (OpenCL's {@code int16} and {@code long8}, CUDA's {@code StridedGeom} and {@code ViewGeom}).
 *
 * <p>Shapes: every view has the plan's shape; the merged {@code sizes} have the same product.
 *
 * @param sizes the merged sizes, outermost first (at least one axis)
 * @param strides per view, the stride of each merged axis
 * @param offsets per view, where element (0, ..., 0) is
 */
public record StridedPlan(int[] sizes, long[][] strides, long[] offsets) {
  /**
   * Copies the components, so the plan cannot change under a kernel launch.
   *
   * @throws IllegalArgumentException when there is not one stride per view and merged axis
   */
  public StridedPlan {
    sizes = sizes.clone();
    strides = Arrays.stream(strides).map(long[]::clone).toArray(long[][]::new);
    offsets = offsets.clone();
    if (sizes.length < 1 || strides.length != offsets.length) {
      throw new IllegalArgumentException(
          "a strided plan has at least one axis and one offset a view");
    }
    for (long[] s : strides) {
      if (s.length != sizes.length) {
        throw new IllegalArgumentException("a strided plan has one stride per view and axis");
      }
    }
  }

  /**
   * The simplified walk over {@code views}, which must share one shape (not checked: {@link
   * #forCopy} and {@link #forBroadcast} check it for the ops).
   *
   * @param views the views, at least one
   * @return the plan
   */
  public static StridedPlan of(StridedView... views) {
    int[] shape = views[0].shape();
    List<Integer> sizes = new ArrayList<>();
    List<long[]> strides = new ArrayList<>();
    for (int axis = 0; axis < shape.length; axis++) {
      if (shape[axis] == 1) continue;
      long[] s = new long[views.length];
      for (int v = 0; v < views.length; v++) s[v] = views[v].strides()[axis];
      int last = sizes.size() - 1;
      if (last >= 0 && mergeable(sizes.get(last), strides.get(last), shape[axis], s)) {
        sizes.set(last, sizes.get(last) * shape[axis]);
        strides.set(last, s);
      } else {
        sizes.add(shape[axis]);
        strides.add(s);
      }
    }
    if (sizes.isEmpty()) {
      sizes.add(1);
      strides.add(new long[views.length]);
    }
    long[][] byView = new long[views.length][sizes.size()];
    for (int a = 0; a < sizes.size(); a++) {
      for (int v = 0; v < views.length; v++) byView[v][a] = strides.get(a)[v];
    }
    long[] offsets = Arrays.stream(views).mapToLong(StridedView::offset).toArray();
    return new StridedPlan(sizes.stream().mapToInt(Integer::intValue).toArray(), byView, offsets);
  }

  /**
   * The plan of a {@link Backend#copyStrided}, view 0 the source and view 1 the destination.
   *
   * @param from the source view
   * @param to the destination view
   * @return the plan
   * @throws IllegalArgumentException when the views' shapes differ or the destination repeats
   *     elements
   */
  public static StridedPlan forCopy(StridedView from, StridedView to) {
    if (!Arrays.equals(from.shape(), to.shape())) {
      throw new IllegalArgumentException("copyStrided: views of shapes " + from + " and " + to);
    }
    if (to.repeats()) {
      throw new IllegalArgumentException(
          "copyStrided: the destination " + to + " repeats elements");
    }
    return of(from, to);
  }

  /**
   * The plan of a {@link Backend#binaryBroadcast}: views 0 and 1 the operands, view 2 the output,
   * contiguous from {@code outOffset}.
   *
   * @param av the view of a
   * @param bv the view of b
   * @param outOffset where the contiguous output starts
   * @return the plan
   * @throws IllegalArgumentException when the operands' shapes differ
   */
  public static StridedPlan forBroadcast(StridedView av, StridedView bv, long outOffset) {
    if (!Arrays.equals(av.shape(), bv.shape())) {
      throw new IllegalArgumentException("binaryBroadcast: views of shapes " + av + " and " + bv);
    }
    return of(av, bv, StridedView.contiguous(outOffset, av.shape()));
  }

  /**
   * Whether an outer axis and the next one walk every view as one axis: each view's outer stride is
   * its inner stride times the inner size (and the merged size fits an int).
   */
  private static boolean mergeable(int outerSize, long[] outer, int innerSize, long[] inner) {
    if ((long) outerSize * innerSize > Integer.MAX_VALUE) return false;
    for (int v = 0; v < outer.length; v++) {
      if (outer[v] != inner[v] * innerSize) return false;
    }
    return true;
  }

  /**
   * Checks that a kernel indexing the views' elements in 32 bits can walk them.
   *
   * @param op the op, for the message
   * @param backendId the backend, for the message
   * @throws IllegalArgumentException when the views have 2^31 elements or more
   */
  public void checkElements(String op, String backendId) {
    if (size() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          op
              + ": views of "
              + size()
              + " elements; the "
              + backendId
              + " backend handles at most 2^31 - 1 per strided view");
    }
  }

  /**
   * Checks that a kernel indexing the rows (the outer axes) in 32 bits can walk them.
   *
   * @param op the op, for the message
   * @param backendId the backend, for the message
   * @throws IllegalArgumentException when there are 2^31 rows or more
   */
  public void checkRows(String op, String backendId) {
    if (rowCount() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          op
              + ": views of "
              + size()
              + " elements; the "
              + backendId
              + " backend handles at most 2^31 - 1 rows of a strided view");
    }
  }

  /**
   * The elements each view addresses.
   *
   * @return the product of the sizes
   */
  public long size() {
    return rowCount() * innerLength();
  }

  /**
   * The length of the inner (last merged) axis.
   *
   * @return its size
   */
  public int innerLength() {
    return sizes[sizes.length - 1];
  }

  /**
   * The rows: the product of the outer sizes, which {@link #checkRows} or {@link #checkElements}
   * has checked to fit an int.
   *
   * @return the rows
   */
  public int rows() {
    return (int) rowCount();
  }

  private long rowCount() {
    long rows = 1;
    for (int a = 0; a < sizes.length - 1; a++) rows *= sizes[a];
    return rows;
  }

  /**
   * Whether view {@code v} is one contiguous run, which a plain copy does.
   *
   * @param v the view's index
   * @return whether it is contiguous
   */
  public boolean contiguous(int v) {
    return sizes.length == 1 && (strides[v][0] == 1 || sizes[0] == 1);
  }

  /**
   * Work items along the inner axis when each takes {@code chunk} elements of a row.
   *
   * @param chunk elements a work item walks, at least 1
   * @return the inner length divided by {@code chunk}, rounded up
   */
  public long chunks(int chunk) {
    return (innerLength() + (long) chunk - 1) / chunk;
  }

  /**
   * The kernels' shape geometry ({@code int16} / {@code StridedGeom}): [0] outer axes, [1] inner
   * length, [2] rows, [3..7] the outer sizes, outermost first, [8] {@code chunk}.
   *
   * @param chunk elements of a row one work item walks (a kernel that walks one element per thread
   *     does not read it)
   * @return sixteen ints
   */
  public int[] geometry(int chunk) {
    int[] g = new int[16];
    g[0] = sizes.length - 1;
    g[1] = innerLength();
    g[2] = rows();
    for (int a = 0; a < sizes.length - 1; a++) g[3 + a] = sizes[a];
    g[8] = chunk;
    return g;
  }

  /**
   * The kernels' geometry of view {@code v} ({@code long8} / {@code ViewGeom}): [0..4] the outer
   * strides, [6] the offset, [7] the inner stride.
   *
   * @param v the view's index
   * @return eight longs
   */
  public long[] view(int v) {
    long[] l = new long[8];
    for (int a = 0; a < sizes.length - 1; a++) l[a] = strides[v][a];
    l[6] = offsets[v];
    l[7] = strides[v][sizes.length - 1];
    return l;
  }

  /** A copy of the merged sizes. */
  @Override
  public int[] sizes() {
    return sizes.clone();
  }

  /** A copy of each view's strides. */
  @Override
  public long[][] strides() {
    return Arrays.stream(strides).map(long[]::clone).toArray(long[][]::new);
  }

  /** A copy of each view's offset. */
  @Override
  public long[] offsets() {
    return offsets.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StridedPlan p
        && Arrays.equals(sizes, p.sizes)
        && Arrays.deepEquals(strides, p.strides)
        && Arrays.equals(offsets, p.offsets);
  }

  @Override
  public int hashCode() {
    return (31 * Arrays.hashCode(sizes) + Arrays.deepHashCode(strides)) * 31
        + Arrays.hashCode(offsets);
  }

  @Override
  public String toString() {
    return "StridedPlan[sizes="
        + Arrays.toString(sizes)
        + ", strides="
        + Arrays.deepToString(strides)
        + ", offsets="
        + Arrays.toString(offsets)
        + "]";
  }
}
