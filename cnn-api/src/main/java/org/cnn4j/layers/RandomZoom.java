package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.data.FillMode;
import org.cnn4j.data.ImageTransform;

/**
 * Keras' {@code RandomZoom(height_factor, width_factor=None, fill_mode="reflect",
 * interpolation="bilinear", seed=None, fill_value=0.0)}: in training each sample is zoomed about
 * its centre by {@code 1 + d}, with d drawn in {@code [-height_factor, height_factor]} for the
 * height (positive d zooms out, showing more of the image smaller; negative zooms in) and likewise
 * for the width; without a width factor both axes take the same d, keeping the aspect ratio. In
 * inference the identity.
 */
public final class RandomZoom extends RandomImageLayer {
  private final double[] heightFactor;
  private final double[] widthFactor;

  /**
   * Zooms both axes alike by {@code 1 + d}, d in {@code [-heightFactor, heightFactor]}, reflect
   * fill, seed 0.
   *
   * @param heightFactor the largest zoom change as a fraction (0.2: from 0.8 to 1.2)
   */
  public RandomZoom(double heightFactor) {
    this(-heightFactor, heightFactor, null, FillMode.REFLECT, 0, 0);
  }

  /**
   * Zooms the height by {@code 1 + d}, d in {@code [-heightFactor, heightFactor]}, and the width
   * likewise with its own draw; reflect fill, seed 0.
   *
   * @param heightFactor the largest change of the height's zoom
   * @param widthFactor the largest change of the width's zoom
   */
  public RandomZoom(double heightFactor, double widthFactor) {
    this(
        -heightFactor,
        heightFactor,
        new double[] {-widthFactor, widthFactor},
        FillMode.REFLECT,
        0,
        0);
  }

  /**
   * @param widthRange {@code {lower, upper}} for the width, or null to zoom both axes alike
   */
  public RandomZoom(
      double heightLower,
      double heightUpper,
      double[] widthRange,
      FillMode fillMode,
      double fillValue,
      long seed) {
    super(seed, fillMode, fillValue);
    this.heightFactor = range("RandomZoom height_factor", heightLower, heightUpper);
    this.widthFactor =
        widthRange == null ? null : range("RandomZoom width_factor", widthRange[0], widthRange[1]);
    if (heightFactor[0] <= -1 || (widthFactor != null && widthFactor[0] <= -1)) {
      throw new IllegalArgumentException(
          "RandomZoom factors must be > -1 (a zoom of 1 + factor > 0)");
    }
  }

  @Override
  void putFactors(Map<String, Object> config) {
    config.put("height_factor", pair(heightFactor));
    if (widthFactor != null) config.put("width_factor", pair(widthFactor));
  }

  @Override
  ImageTransform draw(int h, int w, SplittableRandom random) {
    double zh = 1 + uniform(random, heightFactor);
    double zw = widthFactor == null ? zh : 1 + uniform(random, widthFactor);
    return new ImageTransform(0, 0, 0, zh, zw, false, false);
  }
}
