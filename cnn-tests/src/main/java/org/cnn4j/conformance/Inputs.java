package org.cnn4j.conformance;

import java.util.SplittableRandom;

/**
 * Seeded test data. A case seeds its generator from its own name, so every run and every backend
 * sees the same inputs, and a failure is reproduced by running the one case.
 */
public final class Inputs {
  private final SplittableRandom random;

  public Inputs(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A generator seeded by the case's display name ({@link String#hashCode} is specified). */
  public static Inputs forCase(Object testCase) {
    return new Inputs(testCase.toString().hashCode() * 0x9E3779B97F4A7C15L);
  }

  /** {@code n} values uniform in [lo, hi). */
  public float[] uniform(int n, double lo, double hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    return v;
  }

  /**
   * Values in [-hi, -gap] or [gap, hi]: keeps away from 0, where ReLU's derivative is a kink the
   * SPI does not define and where finite differences are meaningless.
   */
  public float[] awayFromZero(int n, double gap, double hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double magnitude = gap + (hi - gap) * random.nextDouble();
      v[i] = (float) (random.nextBoolean() ? magnitude : -magnitude);
    }
    return v;
  }

  /** {@code rows} class indices in [0, cols), stored as floats as the SPI stores labels. */
  public float[] labels(int rows, int cols) {
    float[] v = new float[rows];
    for (int r = 0; r < rows; r++) v[r] = random.nextInt(cols);
    return v;
  }

  /** {@code rows} probability distributions over {@code cols} classes (each row sums to 1). */
  public float[] distributions(int rows, int cols) {
    float[] v = uniform(rows * cols, 0.01, 1);
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int j = 0; j < cols; j++) sum += v[r * cols + j];
      for (int j = 0; j < cols; j++) v[r * cols + j] = (float) (v[r * cols + j] / sum);
    }
    return v;
  }

  /** {@code n} values from a small set of integers, so that ties are common. */
  public float[] smallIntegers(int n, int distinct) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = random.nextInt(distinct);
    return v;
  }

  /** {@code n} copies of one value (NaN for garbage the op must not read). */
  public static float[] filled(int n, float value) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, value);
    return v;
  }

  /** Element-wise absolute values, for computing sums of |products| on the reference. */
  public static float[] abs(float[] values) {
    float[] v = new float[values.length];
    for (int i = 0; i < v.length; i++) v[i] = Math.abs(values[i]);
    return v;
  }
}
