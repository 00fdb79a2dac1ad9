package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArgReduceGeometryTest {
  @Test
  void keptAndReducedBlocksArePackedWithTheirStridesInX() {
    int[] shape = {2, 3, 4, 5};
    ArgReduceGeometry g =
        ArgReduceGeometry.of(
            "OpenCL", ReduceOp.ARGMAX, shape, ReduceBlocks.of(shape, new int[] {1, 3}));
    assertArrayEquals(new int[] {2, 2, 2, 4, 0, 0, 0, 0, 0, 3, 5, 0, 0, 0, 0, 0}, g.geometry());
    assertArrayEquals(new long[] {60, 5, 0, 0, 0, 0, 0, 0}, g.keptStrides());
    assertArrayEquals(new long[] {20, 1, 0, 0, 0, 0, 0, 0}, g.reducedStrides());
    assertEquals(8, g.outputs());
    assertEquals(15, g.length());
  }

  @Test
  void aReductionOverEveryAxisHasOneOutputAndNoKeptBlock() {
    int[] shape = {3, 1, 7};
    ArgReduceGeometry g =
        ArgReduceGeometry.of(
            "CUDA", ReduceOp.ARGMIN, shape, ReduceBlocks.of(shape, new int[] {0, 1, 2}));
    assertArrayEquals(new int[] {0, 1, 0, 0, 0, 0, 0, 0, 0, 21, 0, 0, 0, 0, 0, 0}, g.geometry());
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 0}, g.reducedStrides());
    assertEquals(1, g.outputs());
    assertEquals(21, g.length());
  }

  @Test
  void moreThanSevenAlternatingRunsAreRejectedNamingTheBackend() {
    int[] shape = new int[16];
    Arrays.fill(shape, 2);
    int[] axes = {1, 3, 5, 7, 9, 11, 13, 15};
    ReduceBlocks blocks = ReduceBlocks.of(shape, axes);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ArgReduceGeometry.of("OpenCL", ReduceOp.ARGMAX, shape, blocks));
    assertEquals(
        "reduce: ARGMAX of shape "
            + Arrays.toString(shape)
            + " over axes that alternate with kept ones more than 7 times; the OpenCL backend"
            + " takes at most 7 runs of each",
        e.getMessage());
  }
}
