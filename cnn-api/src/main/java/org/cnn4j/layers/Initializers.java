package org.cnn4j.layers;

import java.util.SplittableRandom;

/** Keras' initialisers, drawn on the host from the model's seeded generator. */
final class Initializers {
  private Initializers() {}

  /** glorot_uniform: U(-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)). */
  static float[] glorotUniform(SplittableRandom random, int size, long fanIn, long fanOut) {
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    return v;
  }

  static float[] constant(int size, float value) {
    float[] v = new float[size];
    java.util.Arrays.fill(v, value);
    return v;
  }
}
