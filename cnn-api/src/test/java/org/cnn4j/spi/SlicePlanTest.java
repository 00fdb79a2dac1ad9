package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlicePlanTest {
  @Test
  void enoughOutputsToFillTheDeviceTakeOneSliceOfTheWholeLength() {
    SlicePlan plan = SlicePlan.of(10_000, 5000, 1024, 128, 512);
    assertEquals(new SlicePlan(1, 5000), plan);
    assertFalse(plan.split());
  }

  @Test
  void fewOutputsAreSlicedNoShorterThanTheMinimumChunk() {
    // 1024 / 4 = 256 slices wanted, 10000 / 128 = 78 allowed; a chunk of 129 then needs 78.
    SlicePlan plan = SlicePlan.of(4, 10_000, 1024, 128, 512);
    assertEquals(new SlicePlan(78, 129), plan);
    assertTrue(plan.split());
  }

  @Test
  void theDeviceWantsNoMoreSlicesThanFillIt() {
    assertEquals(new SlicePlan(16, 6250), SlicePlan.of(4, 100_000, 64, 128, 512));
  }

  @Test
  void slicesAreCappedAndTheRoundedChunkMayLeaveFewer() {
    assertEquals(new SlicePlan(512, 1954), SlicePlan.of(1, 1_000_000, Long.MAX_VALUE, 128, 512));
    // 512 slices of 1000 terms round the chunk up to 2, which needs only 500 slices.
    assertEquals(new SlicePlan(500, 2), SlicePlan.of(1, 1000, Long.MAX_VALUE, 1, 512));
  }

  @Test
  void aColumnSumOverManyRowsAsTheCudaBackendPlansIt() {
    // Two 32-column tiles, 4 blocks per SM on 132 SMs, slices of at least 64 rows, at most 1024.
    assertEquals(new SlicePlan(154, 65), SlicePlan.of(2, 10_000, 4 * 132, 64, 1024));
  }

  @Test
  void anEmptyOrShortLengthIsOneSlice() {
    assertEquals(new SlicePlan(1, 1), SlicePlan.of(3, 0, 1024, 128, 512));
    assertEquals(new SlicePlan(1, 100), SlicePlan.of(1, 100, 1024, 128, 512));
    assertEquals(new SlicePlan(1, 7), SlicePlan.of(0, 7, 0, 1, 512));
  }

  @Test
  void badLimitsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> SlicePlan.of(1, 10, 10, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> SlicePlan.of(1, 10, 10, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> SlicePlan.of(1, -1, 10, 1, 4));
    var e = assertThrows(IllegalArgumentException.class, () -> new SlicePlan(0, 1));
    assertEquals("a slice plan has slices and chunk >= 1, got 0 and 1", e.getMessage());
  }
}
