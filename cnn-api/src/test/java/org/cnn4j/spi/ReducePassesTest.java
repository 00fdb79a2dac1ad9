package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.ReducePasses.Pass;
import org.junit.jupiter.api.Test;

class ReducePassesTest {
  private static ReducePasses passes(int[] shape, int... axes) {
    return ReducePasses.of(ReduceBlocks.of(shape, axes));
  }

  @Test
  void eachReducedBlockIsOnePassInnermostFirst() {
    ReducePasses plan = passes(new int[] {2, 3, 4, 5}, 1, 3);
    assertEquals(List.of(new Pass(24, 5, 1), new Pass(2, 3, 4)), plan.passes());
    assertEquals(24, plan.scratchLength());
    assertEquals(1, plan.scratchBuffers());
  }

  @Test
  void threeReducedBlocksUseTwoScratchBuffersOfTheFirstOutputsSize() {
    ReducePasses plan = passes(new int[] {2, 3, 4, 5, 6}, 0, 2, 4);
    assertEquals(
        List.of(new Pass(120, 6, 1), new Pass(6, 4, 5), new Pass(1, 2, 15)), plan.passes());
    assertEquals(120, plan.scratchLength());
    assertEquals(2, plan.scratchBuffers());
  }

  @Test
  void neighbouringReducedAxesAreOnePass() {
    ReducePasses plan = passes(new int[] {2, 3, 4}, 1, 2);
    assertEquals(List.of(new Pass(2, 12, 1)), plan.passes());
    assertEquals(0, plan.scratchLength());
    assertEquals(0, plan.scratchBuffers());
  }

  @Test
  void withNoReducedBlockOnePassMapsEachElement() {
    assertEquals(List.of(new Pass(6, 1, 1)), passes(new int[] {2, 3}).passes());
    assertEquals(List.of(new Pass(1, 1, 1)), passes(new int[] {1, 1}, 1).passes());
    assertEquals(List.of(new Pass(1, 1, 1)), passes(new int[] {}).passes());
  }

  @Test
  void runPingPongsThroughScratchAndScalesInTheLastPassOnly() {
    List<String> launches = new ArrayList<>();
    passes(new int[] {2, 3, 4, 5, 6}, 0, 2, 4)
        .run(
            "x",
            "first",
            "second",
            "out",
            0.5f,
            (src, pass, scale, dst) ->
                launches.add(src + " -> " + dst + " mid " + pass.mid() + " * " + scale));
    assertEquals(
        List.of(
            "x -> first mid 6 * 1.0", "first -> second mid 4 * 1.0", "second -> out mid 2 * 0.5"),
        launches);
  }

  @Test
  void onePassGoesStraightToTheOutput() {
    List<String> launches = new ArrayList<>();
    passes(new int[] {4, 5}, 1)
        .run(
            "x",
            null,
            null,
            "out",
            2f,
            (src, pass, scale, dst) -> launches.add(src + " -> " + dst + " * " + scale));
    assertEquals(List.of("x -> out * 2.0"), launches);
  }

  @Test
  void tensorsOf2To31ElementsAreRejectedForDevicesIndexingIn32Bits() {
    ReduceBlocks blocks = ReduceBlocks.of(new int[] {65536, 65536}, new int[] {1});
    var e = assertThrows(IllegalArgumentException.class, () -> blocks.checkInt32("CUDA"));
    assertEquals(
        "reduce: a tensor of 4294967296 elements; the CUDA backend reduces at most 2^31 - 1 at"
            + " once",
        e.getMessage());
    ReduceBlocks.of(new int[] {65536, 32767}, new int[] {1}).checkInt32("CUDA");
  }
}
