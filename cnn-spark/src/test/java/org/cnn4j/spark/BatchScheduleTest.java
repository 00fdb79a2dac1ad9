package org.cnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which rows of which partition make each global batch. */
class BatchScheduleTest {
  @Test
  void onePartitionTakesFitsBatches() {
    BatchSchedule s = new BatchSchedule(new int[] {100}, 32);
    assertEquals(4, s.stepsPerEpoch());
    for (int step = 0; step < 4; step++) {
      assertEquals(32 * step, s.from(0, step));
      assertEquals(Math.min(100, 32 * (step + 1)), s.to(0, step));
    }
    assertEquals(4, s.batchRows(3));
  }

  @Test
  void partitionsGiveSharesInProportionToTheirSizesAndFinishTogether() {
    int[] sizes = {300, 100, 0, 600};
    BatchSchedule s = new BatchSchedule(sizes, 100);
    assertEquals(10, s.stepsPerEpoch());
    for (int p = 0; p < sizes.length; p++) {
      int rows = 0;
      for (int step = 0; step < 10; step++) {
        assertEquals(rows, s.from(p, step), "partition " + p + " step " + step);
        rows = s.to(p, step);
      }
      assertEquals(sizes[p], rows, "partition " + p + " ends with its last row");
    }
    assertEquals(30, s.to(0, 0));
    assertEquals(10, s.to(1, 0));
    assertEquals(60, s.to(3, 0));
    assertEquals(100, s.batchRows(0));
  }

  @Test
  void aShareStartsInTheGlobalBatchAfterThePartitionsBeforeIt() {
    BatchSchedule s = new BatchSchedule(new int[] {300, 100, 600}, 100);
    assertEquals(0, s.firstRow(0, 4));
    assertEquals(30, s.firstRow(1, 4));
    assertEquals(40, s.firstRow(2, 4));
  }

  @Test
  void unevenSizesStillCoverEveryRowOnceWithBatchesNearTheGlobalSize() {
    int[] sizes = {37, 91, 13};
    BatchSchedule s = new BatchSchedule(sizes, 16);
    int total = 0;
    for (int step = 0; step < s.stepsPerEpoch(); step++) {
      int rows = s.batchRows(step);
      boolean last = step == s.stepsPerEpoch() - 1;
      assertTrue(last || (rows >= 16 - sizes.length && rows <= 16 + sizes.length), "step " + step);
      total += rows;
    }
    assertEquals(37 + 91 + 13, total);
  }
}
