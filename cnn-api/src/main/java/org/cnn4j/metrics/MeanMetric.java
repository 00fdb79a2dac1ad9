package org.cnn4j.metrics;

import java.util.Arrays;
import java.util.function.ToDoubleBiFunction;

/**
 * A custom metric from a per-sample function, as a Keras metric function {@code fn(y_true, y_pred)}
 * wrapped in a mean: its result is the mean of {@code fn} over the samples seen since the last
 * reset.
 *
 * <pre>{@code Metric mae = Metric.mean("mae", (t, p) -> Math.abs(t[0] - p[0]));}</pre>
 */
public final class MeanMetric implements Metric {
  private final String name;
  private final ToDoubleBiFunction<float[], float[]> fn;
  private double sum;
  private long count;

  MeanMetric(String name, ToDoubleBiFunction<float[], float[]> fn) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a metric needs a name");
    this.name = name;
    this.fn = fn;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void update(float[] pred, float[] target, int rows, int cols, boolean sparseTargets) {
    int labelSize = target.length / rows;
    for (int r = 0; r < rows; r++) {
      float[] t = Arrays.copyOfRange(target, r * labelSize, (r + 1) * labelSize);
      float[] p = Arrays.copyOfRange(pred, r * cols, (r + 1) * cols);
      sum += fn.applyAsDouble(t, p);
      count++;
    }
  }

  @Override
  public double result() {
    return count == 0 ? 0 : sum / count;
  }

  @Override
  public void reset() {
    sum = 0;
    count = 0;
  }
}
