package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.ResizeAdjointPlan.Axis;
import org.junit.jupiter.api.Test;

class ResizeAdjointPlanTest {
  @Test
  void unchangedSizesAreACopy() {
    ResizeAdjointPlan plan = ResizeAdjointPlan.of(2, 4, 4, 3, 4, 4);
    assertTrue(plan.identity());
    assertEquals(0, plan.scratchLength());
  }

  @Test
  void onlyTheWidthChangingIsOneAdjointOverImageRows() {
    ResizeAdjointPlan plan = ResizeAdjointPlan.of(2, 4, 5, 3, 4, 10);
    assertEquals(List.of(new Axis(5, 10, 3, 8)), plan.passes());
    assertFalse(plan.identity());
    assertEquals(0, plan.scratchLength());
  }

  @Test
  void onlyTheHeightChangingIsOneAdjointOverWholeRows() {
    assertEquals(List.of(new Axis(4, 8, 15, 2)), ResizeAdjointPlan.of(2, 4, 5, 3, 8, 5).passes());
  }

  @Test
  void bothChangingGoThroughTheSmallerIntermediate() {
    // Width first: [1, 8, 4, 2] (64) is no larger than height first: [1, 4, 8, 2] (64).
    ResizeAdjointPlan widthFirst = ResizeAdjointPlan.of(1, 4, 4, 2, 8, 8);
    assertEquals(List.of(new Axis(4, 8, 2, 8), new Axis(4, 8, 8, 1)), widthFirst.passes());
    assertEquals(64, widthFirst.scratchLength());
    // Height first: [1, 2, 3, 1] (6) is smaller than width first: [1, 20, 10, 1] (200).
    ResizeAdjointPlan heightFirst = ResizeAdjointPlan.of(1, 2, 10, 1, 20, 3);
    assertEquals(List.of(new Axis(2, 20, 3, 1), new Axis(10, 3, 1, 2)), heightFirst.passes());
    assertEquals(6, heightFirst.scratchLength());
  }

  @Test
  void runGoesThroughTheScratchBufferWhenThereAreTwoPasses() {
    List<String> launches = new ArrayList<>();
    ResizeAdjointPlan.of(1, 2, 10, 1, 20, 3)
        .run(
            "dy",
            "between",
            "dx",
            (src, axis, dst) -> launches.add(src + " -> " + dst + " in " + axis.in()));
    assertEquals(List.of("dy -> between in 2", "between -> dx in 10"), launches);
    launches.clear();
    ResizeAdjointPlan.of(2, 4, 5, 3, 4, 10)
        .run("dy", null, "dx", (src, axis, dst) -> launches.add(src + " -> " + dst));
    assertEquals(List.of("dy -> dx"), launches);
  }
}
