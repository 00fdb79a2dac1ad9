package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StridedPlanTest {
  /** Channels 1 to 3 of a [2, 5, 4] tensor: a concatenation's second part. */
  private static final StridedView MIDDLE_CHANNELS =
      new StridedView(4, new int[] {2, 3, 4}, new long[] {20, 4, 1});

  @Test
  void axesContiguousInEveryViewMergeIntoLongRows() {
    StridedPlan plan = StridedPlan.forCopy(StridedView.contiguous(2, 3, 4), MIDDLE_CHANNELS);
    assertArrayEquals(new int[] {2, 12}, plan.sizes());
    assertArrayEquals(new long[][] {{12, 1}, {20, 1}}, plan.strides());
    assertArrayEquals(new long[] {0, 4}, plan.offsets());
    assertEquals(2, plan.rows());
    assertEquals(12, plan.innerLength());
    assertEquals(24, plan.size());
    assertFalse(plan.contiguous(0));
  }

  @Test
  void geometryAndViewsArePackedAsTheKernelsReadThem() {
    StridedPlan plan = StridedPlan.forCopy(StridedView.contiguous(2, 3, 4), MIDDLE_CHANNELS);
    assertArrayEquals(
        new int[] {1, 12, 2, 2, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0}, plan.geometry(5));
    assertArrayEquals(new long[] {12, 0, 0, 0, 0, 0, 0, 1}, plan.view(0));
    assertArrayEquals(new long[] {20, 0, 0, 0, 0, 0, 4, 1}, plan.view(1));
    assertEquals(3, plan.chunks(5));
    assertEquals(12, plan.chunks(1));
  }

  @Test
  void contiguousViewsAreOneRunAPlainCopyDoes() {
    StridedPlan plan =
        StridedPlan.forCopy(StridedView.contiguous(2, 3), StridedView.contiguous(5L, 2, 3));
    assertArrayEquals(new int[] {6}, plan.sizes());
    assertTrue(plan.contiguous(0));
    assertTrue(plan.contiguous(1));
    assertArrayEquals(new long[] {0, 5}, plan.offsets());
  }

  @Test
  void sizeOneAxesDropAndAnAllOnesShapeIsOneElement() {
    StridedPlan plan = StridedPlan.of(new StridedView(3, new int[] {1, 1}, new long[] {9, 9}));
    assertArrayEquals(new int[] {1}, plan.sizes());
    assertArrayEquals(new long[][] {{0}}, plan.strides());
    assertTrue(plan.contiguous(0));
    assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 3, 0}, plan.view(0));
  }

  @Test
  void aTransposeKeepsItsAxes() {
    StridedView transposed = new StridedView(0, new int[] {3, 2}, new long[] {1, 3});
    StridedPlan plan = StridedPlan.forCopy(transposed, StridedView.contiguous(3, 2));
    assertArrayEquals(new int[] {3, 2}, plan.sizes());
    assertArrayEquals(new long[][] {{1, 3}, {2, 1}}, plan.strides());
  }

  @Test
  void aBroadcastAddsTheContiguousOutputAsViewTwo() {
    StridedView row = new StridedView(0, new int[] {2, 3}, new long[] {0, 1});
    StridedPlan plan = StridedPlan.forBroadcast(StridedView.contiguous(2, 3), row, 7);
    assertArrayEquals(new int[] {2, 3}, plan.sizes());
    assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 1}, plan.view(1));
    assertArrayEquals(new long[] {3, 0, 0, 0, 0, 0, 7, 1}, plan.view(2));
  }

  @Test
  void mismatchedShapesAndRepeatingDestinationsAreRejected() {
    var shapes =
        assertThrows(
            IllegalArgumentException.class,
            () -> StridedPlan.forCopy(StridedView.contiguous(2, 3), StridedView.contiguous(3, 2)));
    assertEquals(
        "copyStrided: views of shapes "
            + StridedView.contiguous(2, 3)
            + " and "
            + StridedView.contiguous(3, 2),
        shapes.getMessage());
    StridedView repeating = new StridedView(0, new int[] {2, 3}, new long[] {0, 1});
    var repeats =
        assertThrows(
            IllegalArgumentException.class,
            () -> StridedPlan.forCopy(StridedView.contiguous(2, 3), repeating));
    assertEquals(
        "copyStrided: the destination " + repeating + " repeats elements", repeats.getMessage());
    var broadcast =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StridedPlan.forBroadcast(
                    StridedView.contiguous(2, 3), StridedView.contiguous(2, 4), 0));
    assertTrue(broadcast.getMessage().startsWith("binaryBroadcast: views of shapes "));
  }

  @Test
  void viewsTooLargeFor32BitIndexingAreRejectedWithTheBackendsLimit() {
    // 2^33 elements in 65536 rows: too many elements for CUDA, few enough rows for OpenCL.
    StridedPlan long_ =
        StridedPlan.forCopy(
            StridedView.contiguous(65536, 65536, 2), StridedView.contiguous(65536, 65536, 2));
    assertArrayEquals(new int[] {65536, 131072}, long_.sizes());
    long_.checkRows("copyStrided", "OpenCL");
    var elements =
        assertThrows(
            IllegalArgumentException.class, () -> long_.checkElements("copyStrided", "CUDA"));
    assertEquals(
        "copyStrided: views of 8589934592 elements; the CUDA backend handles at most 2^31 - 1 per"
            + " strided view",
        elements.getMessage());
    // Axes that cannot merge: 2^32 rows.
    StridedView gappy = new StridedView(0, new int[] {65536, 65536, 2}, new long[] {262144, 4, 1});
    StridedPlan rows = StridedPlan.of(gappy);
    assertArrayEquals(new int[] {65536, 65536, 2}, rows.sizes());
    var e =
        assertThrows(IllegalArgumentException.class, () -> rows.checkRows("copyStrided", "OpenCL"));
    assertEquals(
        "copyStrided: views of 8589934592 elements; the OpenCL backend handles at most 2^31 - 1"
            + " rows of a strided view",
        e.getMessage());
  }
}
