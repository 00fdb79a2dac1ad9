package org.cnn4j.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cnn4j.optimizers.schedules.CosineDecay;
import org.cnn4j.optimizers.schedules.ExponentialDecay;
import org.cnn4j.optimizers.schedules.PiecewiseConstantDecay;
import org.junit.jupiter.api.Test;

/** The schedules' values at given steps, from Keras' documented formulas. */
class LearningRateSchedulesTest {
  @Test
  void exponentialDecayIsSmoothOrStaircase() {
    var smooth = new ExponentialDecay(0.1, 100, 0.5);
    assertEquals(0.1, smooth.at(0), 1e-15);
    assertEquals(0.05, smooth.at(100), 1e-15);
    assertEquals(0.1 * Math.pow(0.5, 1.5), smooth.at(150), 1e-15);
    var stairs = new ExponentialDecay(0.1, 100, 0.5, true);
    assertEquals(0.05, stairs.at(150), 1e-15);
    assertEquals(0.025, stairs.at(200), 1e-15);
  }

  @Test
  void piecewiseConstantIncludesEachBoundaryInTheSegmentBefore() {
    var s = new PiecewiseConstantDecay(new long[] {100, 110}, new double[] {1.0, 0.5, 0.1});
    assertEquals(1.0, s.at(0));
    assertEquals(1.0, s.at(100));
    assertEquals(0.5, s.at(101));
    assertEquals(0.5, s.at(110));
    assertEquals(0.1, s.at(111));
    assertEquals(0.1, s.at(1_000_000));
  }

  @Test
  void piecewiseConstantRejectsMismatchedLengthsWithKerasMessage() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PiecewiseConstantDecay(new long[] {100}, new double[] {1.0}));
    assertEquals(
        "The length of boundaries should be 1 less than the length of values. Received: boundaries=[100] "
            + "of length 1, and values=[1.0] of length 1.",
        e.getMessage());
  }

  @Test
  void cosineDecayFallsToAlphaTimesTheRateAndStays() {
    var s = new CosineDecay(0.1, 1000, 0.1);
    assertEquals(0.1, s.at(0), 1e-15);
    assertEquals(0.1 * (0.9 * 0.5 + 0.1), s.at(500), 1e-15);
    assertEquals(0.01, s.at(1000), 1e-15);
    assertEquals(0.01, s.at(5000), 1e-15);
  }

  @Test
  void cosineDecayWarmsUpLinearlyToTheTarget() {
    var s = new CosineDecay(0.0, 1000, 0.0, 0.1, 100);
    assertEquals(0.0, s.at(0), 1e-15);
    assertEquals(0.05, s.at(50), 1e-15);
    assertEquals(0.1, s.at(100), 1e-15);
    assertEquals(0.05, s.at(600), 1e-15);
    assertEquals(0.0, s.at(1100), 1e-15);
  }
}
