package org.cnn4j.layers;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Keras' initialisers by name, drawn on the host from the model's seeded generator. Fans are
 * Keras': for a kernel {@code [kh, kw, in, out]} (or a dense {@code [in, out]}), fan_in = kh * kw *
 * in and fan_out = kh * kw * out. The truncated normals redraw values beyond two standard
 * deviations and scale the deviation by 1 / 0.87962566103423978, as Keras' VarianceScaling does.
 */
final class Initializers {
  private Initializers() {}

  /** The names {@link #of} takes. */
  static final List<String> NAMES =
      List.of(
          "glorot_uniform",
          "glorot_normal",
          "he_uniform",
          "he_normal",
          "lecun_uniform",
          "lecun_normal",
          "zeros",
          "ones",
          "random_uniform",
          "random_normal",
          "truncated_normal");

  /**
   * Checks a name (or a {@link VarianceScaling#spec()} string) early, in a layer's setter, so a
   * typo fails where it was written.
   */
  static String check(String name) {
    if (VarianceScaling.isSpec(name)) return VarianceScaling.parse(name).spec();
    String n = name.toLowerCase(Locale.ROOT);
    if (!NAMES.contains(n)) {
      throw new IllegalArgumentException(
          "unknown initializer '" + name + "'; expected one of " + NAMES);
    }
    return n;
  }

  static float[] of(String name, SplittableRandom random, int size, long fanIn, long fanOut) {
    if (VarianceScaling.isSpec(name)) {
      VarianceScaling vs = VarianceScaling.parse(name);
      double bound = vs.bound(fanIn, fanOut);
      return switch (vs.distribution()) {
        case "truncated_normal" -> truncated(random, size, bound);
        case "untruncated_normal" -> normal(random, size, bound);
        default -> uniform(random, size, bound);
      };
    }
    return switch (check(name)) {
      case "glorot_uniform" -> uniform(random, size, Math.sqrt(6.0 / (fanIn + fanOut)));
      case "glorot_normal" -> truncated(random, size, Math.sqrt(2.0 / (fanIn + fanOut)) / TRUNC);
      case "he_uniform" -> uniform(random, size, Math.sqrt(6.0 / fanIn));
      case "he_normal" -> truncated(random, size, Math.sqrt(2.0 / fanIn) / TRUNC);
      case "lecun_uniform" -> uniform(random, size, Math.sqrt(3.0 / fanIn));
      case "lecun_normal" -> truncated(random, size, Math.sqrt(1.0 / fanIn) / TRUNC);
      case "zeros" -> new float[size];
      case "ones" -> constant(size, 1f);
      case "random_uniform" -> uniform(random, size, 0.05);
      case "random_normal" -> normal(random, size, 0.05);
      case "truncated_normal" -> truncated(random, size, 0.05);
      default -> throw new IllegalStateException(name);
    };
  }

  /**
   * An initializer as a layer's config holds it: the name, or Keras' {@code {"class_name":
   * "VarianceScaling", "config": {...}}}.
   */
  static Object config(String name) {
    return VarianceScaling.isSpec(name) ? VarianceScaling.parse(name).config() : name;
  }

  /** The deviation of a unit normal truncated to [-2, 2], Keras' correction factor. */
  private static final double TRUNC = 0.87962566103423978;

  /** glorot_uniform: U(-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)). */
  static float[] glorotUniform(SplittableRandom random, int size, long fanIn, long fanOut) {
    return uniform(random, size, Math.sqrt(6.0 / (fanIn + fanOut)));
  }

  private static float[] uniform(SplittableRandom random, int size, double limit) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    return v;
  }

  private static float[] normal(SplittableRandom random, int size, double stddev) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) (random.nextGaussian() * stddev);
    return v;
  }

  private static float[] truncated(SplittableRandom random, int size, double stddev) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      double g;
      do {
        g = random.nextGaussian();
      } while (Math.abs(g) > 2);
      v[i] = (float) (g * stddev);
    }
    return v;
  }

  static float[] constant(int size, float value) {
    float[] v = new float[size];
    java.util.Arrays.fill(v, value);
    return v;
  }
}
