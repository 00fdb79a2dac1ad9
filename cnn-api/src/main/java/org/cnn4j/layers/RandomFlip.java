package org.cnn4j.layers;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.data.FillMode;
import org.cnn4j.data.ImageTransform;

/**
 * Keras' {@code RandomFlip(mode="horizontal_and_vertical", seed=None)}: in training each sample is
 * flipped left-right and/or top-bottom, each with probability 1/2; in inference the identity.
 */
public final class RandomFlip extends RandomImageLayer {
  /** Which flips may happen. */
  public enum Mode {
    /** Left-right flips only. */
    HORIZONTAL,
    /** Top-bottom flips only. */
    VERTICAL,
    /** Either or both, each with probability 1/2 (Keras' default). */
    HORIZONTAL_AND_VERTICAL;

    /** Keras' name: "horizontal", "vertical", "horizontal_and_vertical". */
    public static Mode of(String name) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(name)) return m;
      }
      throw new IllegalArgumentException(
          "RandomFlip mode must be horizontal, vertical or horizontal_and_vertical; got '"
              + name
              + "'");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Mode mode;

  /** Both flips, seed 0. */
  public RandomFlip() {
    this(Mode.HORIZONTAL_AND_VERTICAL, 0);
  }

  /**
   * Flips by Keras' mode name, seed 0.
   *
   * @param mode "horizontal", "vertical" or "horizontal_and_vertical"
   */
  public RandomFlip(String mode) {
    this(Mode.of(mode), 0);
  }

  /**
   * Flips of {@code mode}.
   *
   * @param mode which flips may happen
   * @param seed the layer's seed, mixed with each step's
   */
  public RandomFlip(Mode mode, long seed) {
    super(seed, FillMode.NEAREST, 0);
    this.mode = java.util.Objects.requireNonNull(mode);
  }

  /** Which flips may happen. */
  public Mode mode() {
    return mode;
  }

  @Override
  void putFactors(Map<String, Object> config) {
    config.put("mode", mode.toString());
  }

  @Override
  boolean fills() {
    return false;
  }

  @Override
  ImageTransform draw(int h, int w, SplittableRandom random) {
    boolean horizontal = mode != Mode.VERTICAL && random.nextDouble() < 0.5;
    boolean vertical = mode != Mode.HORIZONTAL && random.nextDouble() < 0.5;
    return new ImageTransform(0, 0, 0, 1, 1, horizontal, vertical);
  }
}
