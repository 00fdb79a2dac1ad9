package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.data.FillMode;
import org.cnn4j.data.ImageTransform;

/**
 * Keras' {@code RandomTranslation(height_factor, width_factor, fill_mode="reflect",
 * interpolation="bilinear", seed=None, fill_value=0.0)}: in training each sample is shifted by a
 * fraction of its height drawn in {@code [-height_factor, height_factor]} (positive: down) and of
 * its width in {@code [-width_factor, width_factor]} (positive: right); in inference the identity.
 */
public final class RandomTranslation extends RandomImageLayer {
  private final double[] heightFactor;
  private final double[] widthFactor;

  /**
   * Shifts up to {@code heightFactor} of the height and {@code widthFactor} of the width either
   * way, reflect fill, seed 0.
   *
   * @param heightFactor the largest vertical shift as a fraction of the height
   * @param widthFactor the largest horizontal shift as a fraction of the width
   */
  public RandomTranslation(double heightFactor, double widthFactor) {
    this(heightFactor, widthFactor, FillMode.REFLECT, 0, 0);
  }

  /**
   * Shifts up to {@code heightFactor} of the height and {@code widthFactor} of the width either
   * way.
   *
   * @param heightFactor the largest vertical shift as a fraction of the height
   * @param widthFactor the largest horizontal shift as a fraction of the width
   * @param fillMode how pixels from outside the image are filled (Keras' default reflect)
   * @param fillValue the value of constant fill
   * @param seed the layer's seed, mixed with each step's
   */
  public RandomTranslation(
      double heightFactor, double widthFactor, FillMode fillMode, double fillValue, long seed) {
    this(
        new double[] {-heightFactor, heightFactor},
        new double[] {-widthFactor, widthFactor},
        fillMode,
        fillValue,
        seed);
  }

  /** Keras' tuple form: {@code height_factor=(lower, upper)}, likewise the width. */
  public RandomTranslation(
      double[] heightRange, double[] widthRange, FillMode fillMode, double fillValue, long seed) {
    super(seed, fillMode, fillValue);
    this.heightFactor = range("RandomTranslation height_factor", heightRange[0], heightRange[1]);
    this.widthFactor = range("RandomTranslation width_factor", widthRange[0], widthRange[1]);
  }

  @Override
  void putFactors(Map<String, Object> config) {
    config.put("height_factor", pair(heightFactor));
    config.put("width_factor", pair(widthFactor));
  }

  @Override
  ImageTransform draw(int h, int w, SplittableRandom random) {
    double down = uniform(random, heightFactor) * h;
    double right = uniform(random, widthFactor) * w;
    // An output pixel reads the input at (row + tx, col + ty): moving content down reads from
    // above.
    return new ImageTransform(0, -down, -right, 1, 1, false, false);
  }
}
