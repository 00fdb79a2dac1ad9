package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReduceBlocksTest {
  @Test
  void neighbouringAxesOfOneKindMergeAndSizeOneAxesDrop() {
    ReduceBlocks b = ReduceBlocks.of(new int[] {2, 3, 1, 4, 5, 6}, new int[] {1, 2, 3, 5});
    assertEquals("[2 kept, 12 reduced, 5 kept, 6 reduced]", b.toString());
    assertEquals(720, b.size());
    assertEquals(10, b.keptSize());
    assertEquals(72, b.reducedSize());
  }

  @Test
  void stridesAreThoseOfTheContiguousTensor() {
    ReduceBlocks b = ReduceBlocks.of(new int[] {2, 3, 4, 5}, new int[] {0, 2});
    assertArrayEquals(new int[] {3, 5}, b.sizes(false));
    assertArrayEquals(new long[] {20, 1}, b.strides(false));
    assertArrayEquals(new int[] {2, 4}, b.sizes(true));
    assertArrayEquals(new long[] {60, 5}, b.strides(true));
  }

  @Test
  void aScalarAndAllSizeOneShapesHaveNoBlocks() {
    assertEquals(0, ReduceBlocks.of(new int[] {}, new int[] {}).count());
    ReduceBlocks ones = ReduceBlocks.of(new int[] {1, 1}, new int[] {1});
    assertEquals(0, ones.count());
    assertEquals(1, ones.keptSize());
    assertEquals(1, ones.reducedSize());
  }

  @Test
  void badShapesAndAxesAreRejectedWithTheirValues() {
    var size =
        assertThrows(
            IllegalArgumentException.class, () -> ReduceBlocks.of(new int[] {2, 0}, new int[] {0}));
    assertEquals("reduce: sizes must be >= 1, got shape [2, 0]", size.getMessage());
    for (int[] axes : new int[][] {{3}, {-1}, {1, 1}, {2, 0}}) {
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> ReduceBlocks.of(new int[] {2, 3, 4}, axes));
      assertEquals(
          "reduce: axes "
              + java.util.Arrays.toString(axes)
              + " of a rank-3 tensor must be distinct, ascending and in range",
          e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> ReduceBlocks.of(new int[] {1 << 16, 1 << 16}, new int[] {}));
  }
}
