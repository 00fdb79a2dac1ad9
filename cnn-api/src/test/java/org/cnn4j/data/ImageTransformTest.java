package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImageTransformTest {
  private static final float EXACT = 1e-5f;

  /** The 3x3 single-channel image 1..9, row by row. */
  private static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

  private static float[] apply(
      ImageTransform t, float[] src, int h, int w, int c, FillMode fill, float cval) {
    float[] dst = new float[src.length];
    t.apply(src, 0, h, w, c, dst, 0, fill, cval);
    return dst;
  }

  @Test
  void horizontalFlipReversesTheColumnsOfA2x2RgbImage() {
    float[] src = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    var t = new ImageTransform(0, 0, 0, 1, 1, true, false);

    assertArrayEquals(
        new float[] {4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9},
        apply(t, src, 2, 2, 3, FillMode.NEAREST, 0),
        EXACT);
  }

  @Test
  void verticalFlipReversesTheRows() {
    var t = new ImageTransform(0, 0, 0, 1, 1, false, true);

    assertArrayEquals(
        new float[] {3, 4, 1, 2},
        apply(t, new float[] {1, 2, 3, 4}, 2, 2, 1, FillMode.NEAREST, 0),
        EXACT);
  }

  @Test
  void rotationBy90DegreesTurnsAKnownPatternClockwise() {
    var t = new ImageTransform(90, 0, 0, 1, 1, false, false);

    assertArrayEquals(
        new float[] {7, 4, 1, 8, 5, 2, 9, 6, 3},
        apply(t, NINE, 3, 3, 1, FillMode.NEAREST, 0),
        EXACT);
  }

  @Test
  void rotationOfANonSquareImageFillsTheCornersFromTheNearestEdge() {
    // 2 rows x 4 columns turned by 90 degrees about (0.5, 1.5): output (r, c) reads input
    // (2 - c, r + 1), so the outer columns read rows -1 and 2, clamped to the edge rows.
    float[] src = {1, 2, 3, 4, 5, 6, 7, 8};
    var t = new ImageTransform(90, 0, 0, 1, 1, false, false);

    assertArrayEquals(
        new float[] {6, 6, 2, 2, 7, 7, 3, 3}, apply(t, src, 2, 4, 1, FillMode.NEAREST, 0), EXACT);
  }

  @Test
  void zoomOfAConstantImageWithNearestFillStaysConstant() {
    float[] src = new float[4 * 4 * 2];
    java.util.Arrays.fill(src, 7f);
    for (double z : new double[] {0.5, 0.8, 1.3, 2}) {
      float[] expected = src.clone();
      assertArrayEquals(
          expected,
          apply(new ImageTransform(0, 0, 0, z, z, false, false), src, 4, 4, 2, FillMode.NEAREST, 0),
          EXACT,
          "zoom " + z);
    }
  }

  @Test
  void zoomingOutTwiceWithConstantFillKeepsTheCentreAndFillsTheBorder() {
    float[] src = new float[16];
    java.util.Arrays.fill(src, 5f);
    var t = new ImageTransform(0, 0, 0, 2, 2, false, false);

    assertArrayEquals(
        new float[] {-1, -1, -1, -1, -1, 5, 5, -1, -1, 5, 5, -1, -1, -1, -1, -1},
        apply(t, src, 4, 4, 1, FillMode.CONSTANT, -1),
        EXACT);
  }

  @Test
  void zoomingInTwiceInterpolatesBilinearlyAboutTheCentre() {
    // One row 0, 10, 20, 30: output column p reads input 0.5 * (p - 1.5) + 1.5.
    var t = new ImageTransform(0, 0, 0, 1, 0.5, false, false);

    assertArrayEquals(
        new float[] {7.5f, 12.5f, 17.5f, 22.5f},
        apply(t, new float[] {0, 10, 20, 30}, 1, 4, 1, FillMode.NEAREST, 0),
        EXACT);
  }

  @Test
  void eachFillModeExtendsAShiftedRowAsKerasDocumentsIt() {
    // Row a b c d = 1 2 3 4 shifted so that output column p reads input p - 2 (content moves
    // right).
    float[] row = {1, 2, 3, 4};
    var t = new ImageTransform(0, 0, -2, 1, 1, false, false);

    assertArrayEquals(new float[] {1, 1, 1, 2}, apply(t, row, 1, 4, 1, FillMode.NEAREST, 0), EXACT);
    assertArrayEquals(
        new float[] {9, 9, 1, 2}, apply(t, row, 1, 4, 1, FillMode.CONSTANT, 9), EXACT);
    assertArrayEquals(new float[] {2, 1, 1, 2}, apply(t, row, 1, 4, 1, FillMode.REFLECT, 0), EXACT);
    assertArrayEquals(new float[] {3, 4, 1, 2}, apply(t, row, 1, 4, 1, FillMode.WRAP, 0), EXACT);
  }

  @Test
  void aPositiveRowShiftMovesTheContentUp() {
    var t = new ImageTransform(0, 1, 0, 1, 1, false, false);

    assertArrayEquals(
        new float[] {4, 5, 6, 7, 8, 9, 0, 0, 0},
        apply(t, NINE, 3, 3, 1, FillMode.CONSTANT, 0),
        EXACT);
  }

  @Test
  void flipsApplyAfterTheAffinePart() {
    var t = new ImageTransform(90, 0, 0, 1, 1, true, false);

    assertArrayEquals(
        new float[] {1, 4, 7, 2, 5, 8, 3, 6, 9},
        apply(t, NINE, 3, 3, 1, FillMode.NEAREST, 0),
        EXACT);
  }

  @Test
  void reflectAndWrapMapFarIndicesPeriodically() {
    assertEquals(0, FillMode.REFLECT.index(-1, 3));
    assertEquals(2, FillMode.REFLECT.index(-3, 3));
    assertEquals(2, FillMode.REFLECT.index(3, 3));
    assertEquals(0, FillMode.REFLECT.index(5, 3));
    assertEquals(2, FillMode.WRAP.index(-1, 3));
    assertEquals(1, FillMode.WRAP.index(7, 3));
    assertEquals(0, FillMode.NEAREST.index(-5, 3));
    assertEquals(FillMode.WRAP, FillMode.of("wrap"));
  }
}
