package org.cnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OwnGemmPlanTest {
  private static final int H100_SMS = 132;

  @Test
  void bigProductsTakeLargeTilesAndNoSplit() {
    var plan = OwnGemm.Plan.of(4096, 4096, 4096, H100_SMS);
    assertEquals(OwnGemm.Tiles.LARGE, plan.tiles());
    assertEquals(1, plan.slices());
  }

  @Test
  void smallProductsTakeSmallTiles() {
    var plan = OwnGemm.Plan.of(32 * 26 * 26, 16, 9, H100_SMS);
    assertEquals(OwnGemm.Tiles.SMALL, plan.tiles());
    assertEquals(1, plan.slices(), "k = 9 is too short to split");
  }

  @Test
  void aFilterGradientSplitsItsLongSumOverSlicesThatCoverK() {
    // W2's second convolution: dK [3*3*32, 64] summed over 32 * 13 * 13 pixels... and a long k.
    int m = 288, n = 64, k = 128 * 30 * 30;
    var plan = OwnGemm.Plan.of(m, n, k, H100_SMS);
    assertTrue(plan.slices() > 1, "split-K for " + plan);
    assertEquals(0, plan.kChunk() % plan.tiles().bk(), "slices start on a k-step boundary");
    assertTrue((long) plan.slices() * plan.kChunk() >= k, "slices cover k");
    assertTrue((long) (plan.slices() - 1) * plan.kChunk() < k, "no empty slice");
  }

  @Test
  void zeroDepthRunsOneSliceThatOnlyScalesC() {
    var plan = OwnGemm.Plan.of(10, 10, 0, H100_SMS);
    assertEquals(1, plan.slices());
  }
}
