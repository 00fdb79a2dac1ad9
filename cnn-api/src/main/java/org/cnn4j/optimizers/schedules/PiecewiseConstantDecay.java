package org.cnn4j.optimizers.schedules;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code PiecewiseConstantDecay}: {@code values[0]} while {@code step <= boundaries[0]},
 * {@code values[i]} while {@code boundaries[i-1] < step <= boundaries[i]}, and the last value after
 * the last boundary.
 *
 * <pre>
 * {@code new PiecewiseConstantDecay(new long[] {100_000, 110_000}, new double[] {1.0, 0.5, 0.1})}
 * </pre>
 */
public final class PiecewiseConstantDecay implements LearningRateSchedule {
  private final long[] boundaries;
  private final double[] values;

  /**
   * A schedule from its boundaries and values.
   *
   * @param boundaries the steps at which the value changes, increasing
   * @param values the rates, one more than the boundaries
   * @throws IllegalArgumentException when the lengths do not match or the boundaries do not
   *     increase
   */
  public PiecewiseConstantDecay(long[] boundaries, double[] values) {
    if (values.length != boundaries.length + 1) {
      throw new IllegalArgumentException(
          "The length of boundaries should be 1 less than the length of values. "
              + "Received: boundaries="
              + Arrays.toString(boundaries)
              + " of length "
              + boundaries.length
              + ", and values="
              + Arrays.toString(values)
              + " of length "
              + values.length
              + ".");
    }
    for (int i = 1; i < boundaries.length; i++) {
      if (boundaries[i] <= boundaries[i - 1]) {
        throw new IllegalArgumentException(
            "PiecewiseConstantDecay: boundaries must increase, got " + Arrays.toString(boundaries));
      }
    }
    this.boundaries = boundaries.clone();
    this.values = values.clone();
  }

  @Override
  public double at(long step) {
    for (int i = 0; i < boundaries.length; i++) {
      if (step <= boundaries[i]) return values[i];
    }
    return values[values.length - 1];
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("boundaries", Arrays.stream(boundaries).boxed().toList());
    c.put("values", Arrays.stream(values).boxed().toList());
    return c;
  }

  @Override
  public String toString() {
    return "PiecewiseConstantDecay" + List.of(Arrays.toString(boundaries), Arrays.toString(values));
  }
}
