package org.cnn4j.data;

import java.util.Locale;

/**
 * How a geometric augmentation fills output pixels whose source lies outside the image (Keras'
 * {@code fill_mode}, scipy's boundary modes). For an input row {@code a b c d}:
 *
 * <ul>
 *   <li>{@link #NEAREST}: {@code a a a a | a b c d | d d d d} (ImageDataGenerator's default);
 *   <li>{@link #CONSTANT}: {@code k k k k | a b c d | k k k k} with {@code k = cval};
 *   <li>{@link #REFLECT}: {@code d c b a | a b c d | d c b a} (the preprocessing layers' default);
 *   <li>{@link #WRAP}: {@code a b c d | a b c d | a b c d}.
 * </ul>
 */
public enum FillMode {
  /** Repeats the edge pixel (ImageDataGenerator's default). */
  NEAREST,
  /** Fills with the constant {@code cval}. */
  CONSTANT,
  /**
   * Mirrors the image about its edge, the edge pixel included (the preprocessing layers' default).
   */
  REFLECT,
  /** Tiles the image, continuing from the opposite edge. */
  WRAP;

  /** Keras' name: "nearest", "constant", "reflect" or "wrap". */
  public static FillMode of(String name) {
    for (FillMode m : values()) {
      if (m.name().equalsIgnoreCase(name)) return m;
    }
    throw new IllegalArgumentException(
        "fill_mode must be one of nearest, constant, reflect, wrap; got '" + name + "'");
  }

  /**
   * The in-range index that stands for index {@code i} of an axis of length {@code n} (for every
   * mode but {@link #CONSTANT}, whose out-of-range samples take the constant instead).
   */
  int index(int i, int n) {
    if (i >= 0 && i < n) return i;
    return switch (this) {
      case NEAREST, CONSTANT -> i < 0 ? 0 : n - 1;
      case WRAP -> Math.floorMod(i, n);
      case REFLECT -> {
        int m = Math.floorMod(i, 2 * n);
        yield m < n ? m : 2 * n - 1 - m;
      }
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
