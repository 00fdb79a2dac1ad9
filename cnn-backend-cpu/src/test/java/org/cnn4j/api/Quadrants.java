package org.cnn4j.api;

import java.util.SplittableRandom;
import org.cnn4j.data.LabeledImages;

/**
 * A tiny deterministic classification problem: {@code size x size x 1} images of faint noise where
 * one quadrant is bright; the class (0..3) is which quadrant, row-major. A small CNN learns it in a
 * few epochs.
 */
final class Quadrants {
  static final int CLASSES = 4;

  private Quadrants() {}

  /**
   * {@code count} images of side {@code size} (even) with class-index labels, the same for a seed.
   */
  static LabeledImages images(int count, int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[count * size * size];
    float[] y = new float[count];
    int half = size / 2;
    for (int i = 0; i < count; i++) {
      int quadrant = i % CLASSES;
      y[i] = quadrant;
      int top = quadrant / 2 * half;
      int left = quadrant % 2 * half;
      for (int r = 0; r < size; r++) {
        for (int c = 0; c < size; c++) {
          boolean bright = r >= top && r < top + half && c >= left && c < left + half;
          x[(i * size + r) * size + c] = (float) ((bright ? 0.6 : 0.0) + 0.4 * random.nextDouble());
        }
      }
    }
    return new LabeledImages(x, y, count, size, size, 1);
  }
}
