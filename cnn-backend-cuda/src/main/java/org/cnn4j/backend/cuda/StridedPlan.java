package org.cnn4j.backend.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cnn4j.spi.StridedView;

/**
 * Several views of one shape as strided.cu walks them: axes of size 1 dropped and neighbouring axes
 * merged wherever every view is contiguous across them, so a concatenation or a slice becomes a few
 * long rows; then one inner axis and at most five outer ones. (The OpenCL backend's StridedPlan is
 * the same walk.)
 *
 * @param sizes the merged sizes, outermost first (at least one axis)
 * @param strides per view, the stride of each merged axis
 * @param offsets per view, where element (0, ..., 0) is
 */
record StridedPlan(int[] sizes, long[][] strides, long[] offsets) {
  /** The simplified walk over {@code views}, which must share one shape. */
  static StridedPlan of(String op, StridedView... views) {
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
    if (views[0].size() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          op
              + ": views of "
              + views[0].size()
              + " elements; the CUDA backend handles at most 2^31 - 1 per strided view");
    }
    long[] offsets = Arrays.stream(views).mapToLong(StridedView::offset).toArray();
    return new StridedPlan(sizes.stream().mapToInt(Integer::intValue).toArray(), byView, offsets);
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

  int innerLength() {
    return sizes[sizes.length - 1];
  }

  int rows() {
    int rows = 1;
    for (int a = 0; a < sizes.length - 1; a++) rows *= sizes[a];
    return rows;
  }

  /** Whether view {@code v} is one contiguous run (a plain copy does it). */
  boolean contiguous(int v) {
    return sizes.length == 1 && (strides[v][0] == 1 || sizes[0] == 1);
  }

  /** strided.cu's StridedGeom: outer axes, inner length, rows, outer sizes. */
  int[] geometry() {
    int[] g = new int[16];
    g[0] = sizes.length - 1;
    g[1] = innerLength();
    g[2] = rows();
    for (int a = 0; a < sizes.length - 1; a++) g[3 + a] = sizes[a];
    return g;
  }

  /** strided.cu's ViewGeom of view {@code v}: outer strides, offset in [6], inner stride in [7]. */
  long[] view(int v) {
    long[] l = new long[8];
    for (int a = 0; a < sizes.length - 1; a++) l[a] = strides[v][a];
    l[6] = offsets[v];
    l[7] = strides[v][sizes.length - 1];
    return l;
  }
}
