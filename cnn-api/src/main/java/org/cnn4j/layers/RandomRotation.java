package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.data.FillMode;
import org.cnn4j.data.ImageTransform;

/**
 * Keras' {@code RandomRotation(factor, fill_mode="reflect", interpolation="bilinear", seed=None,
 * fill_value=0.0)}: in training each sample is rotated about its centre by an angle drawn uniformly
 * in {@code [lower, upper] * 2 pi} ({@code factor} alone means {@code [-factor, factor]}; positive
 * angles turn counter-clockwise), resampled bilinearly; in inference the identity.
 */
public final class RandomRotation extends RandomImageLayer {
  private final double[] factor;

  /** {@code factor}: the largest turn as a fraction of a full circle (0.1 = 36 degrees). */
  public RandomRotation(double factor) {
    this(-factor, factor, FillMode.REFLECT, 0, 0);
  }

  /**
   * Rotations drawn in {@code [lower, upper]} turns.
   *
   * @param lower the least turn, a fraction of a full circle (negative: clockwise)
   * @param upper the largest turn, >= {@code lower}
   * @param fillMode how pixels from outside the image are filled (Keras' default reflect)
   * @param fillValue the value of constant fill
   * @param seed the layer's seed, mixed with each step's
   */
  public RandomRotation(
      double lower, double upper, FillMode fillMode, double fillValue, long seed) {
    super(seed, fillMode, fillValue);
    this.factor = range("RandomRotation factor", lower, upper);
  }

  @Override
  void putFactors(Map<String, Object> config) {
    config.put("factor", pair(factor));
  }

  @Override
  ImageTransform draw(int h, int w, SplittableRandom random) {
    double turns = uniform(random, factor);
    // ImageTransform's positive theta turns the content clockwise (rows point down).
    return new ImageTransform(-360 * turns, 0, 0, 1, 1, false, false);
  }
}
