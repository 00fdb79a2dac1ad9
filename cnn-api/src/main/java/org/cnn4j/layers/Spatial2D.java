package org.cnn4j.layers;

import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;

/** Views that ZeroPadding2D and Cropping2D share: a window of an NHWC batch. */
final class Spatial2D {
  private Spatial2D() {}

  /**
   * The {@code h x w} window of a {@code [n, fullH, fullW, c]} tensor whose top-left pixel is
   * {@code (top, left)}.
   */
  static StridedView window(Shape full, int top, int left, int h, int w) {
    int n = full.dim(0);
    int fh = full.dim(1);
    int fw = full.dim(2);
    int c = full.dim(3);
    return new StridedView(
        ((long) top * fw + left) * c,
        new int[] {n, h, w, c},
        new long[] {(long) fh * fw * c, (long) fw * c, c, 1});
  }

  /** Keras' (top, bottom, left, right) from an int, a pair of symmetric amounts or two pairs. */
  static int[] amounts(String layer, int... values) {
    int[] tblr =
        switch (values.length) {
          case 1 -> new int[] {values[0], values[0], values[0], values[0]};
          case 2 -> new int[] {values[0], values[0], values[1], values[1]};
          case 4 -> values.clone();
          default ->
              throw new IllegalArgumentException(
                  layer + ": give 1, 2 (height, width) or 4 (top, bottom, left, right) amounts");
        };
    for (int v : tblr) {
      if (v < 0) throw new IllegalArgumentException(layer + ": amounts must be >= 0");
    }
    return tblr;
  }
}
