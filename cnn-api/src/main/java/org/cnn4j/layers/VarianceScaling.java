package org.cnn4j.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras' {@code VarianceScaling(scale, mode, distribution)} initializer: values of variance {@code
 * scale / n}, n being the kernel's fan_in, fan_out or their mean ({@code mode}), drawn from a
 * normal truncated at two deviations ("truncated_normal", deviation corrected by 1 / 0.8796...), a
 * plain normal ("untruncated_normal") or a uniform of limit {@code sqrt(3 * scale / n)}
 * ("uniform"). EfficientNet's kernels use {@code VarianceScaling(2.0, "fan_out",
 * "truncated_normal")} and its classifier {@code VarianceScaling(1 / 3.0, "fan_out", "uniform")}.
 *
 * <pre>
 * {@code new Conv2D(32, 3).kernelInitializer(new VarianceScaling(2.0, "fan_out", "truncated_normal"))}
 * </pre>
 *
 * A layer keeps it as its {@link #spec() spec string} (so initializers stay plain names in a
 * layer's state), and a model file as Keras' {@code {"class_name": "VarianceScaling", "config":
 * {...}}}.
 *
 * @param scale the variance's numerator, a positive number
 * @param mode "fan_in", "fan_out" or "fan_avg": the n the scale is divided by
 * @param distribution "truncated_normal", "untruncated_normal" or "uniform"
 */
public record VarianceScaling(double scale, String mode, String distribution) {
  /** The modes Keras accepts. */
  public static final List<String> MODES = List.of("fan_in", "fan_out", "fan_avg");

  /** The distributions Keras accepts. */
  public static final List<String> DISTRIBUTIONS =
      List.of("truncated_normal", "untruncated_normal", "uniform");

  private static final Pattern SPEC =
      Pattern.compile(
          "variance_scaling\\(scale=([^,]+), mode=([a-z_]+), distribution=([a-z_]+)\\)");

  /**
   * Checks the arguments and brings the names to lower case ("normal" becomes "truncated_normal",
   * as Keras' alias).
   *
   * @throws IllegalArgumentException when {@code scale} is not a positive finite number, or the
   *     mode or distribution is not one Keras accepts
   */
  public VarianceScaling {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException(
          "VarianceScaling: scale must be a positive number, got " + scale);
    }
    mode = mode.toLowerCase(Locale.ROOT);
    distribution = distribution.toLowerCase(Locale.ROOT);
    if (distribution.equals("normal")) distribution = "truncated_normal"; // Keras' alias
    if (!MODES.contains(mode)) {
      throw new IllegalArgumentException(
          "VarianceScaling: mode must be one of " + MODES + ", got '" + mode + "'");
    }
    if (!DISTRIBUTIONS.contains(distribution)) {
      throw new IllegalArgumentException(
          "VarianceScaling: distribution must be one of "
              + DISTRIBUTIONS
              + ", got '"
              + distribution
              + "'");
    }
  }

  /** Keras' defaults: scale 1, fan_in, truncated_normal. */
  public VarianceScaling() {
    this(1.0, "fan_in", "truncated_normal");
  }

  /**
   * The string a layer keeps: {@code variance_scaling(scale=2.0, mode=fan_out,
   * distribution=truncated_normal)}.
   */
  public String spec() {
    return "variance_scaling(scale="
        + scale
        + ", mode="
        + mode
        + ", distribution="
        + distribution
        + ")";
  }

  /** Whether {@code spec} is a {@link #spec()} string rather than an initializer's name. */
  static boolean isSpec(String spec) {
    return spec.startsWith("variance_scaling(");
  }

  /** Reads a {@link #spec()} string back. */
  static VarianceScaling parse(String spec) {
    Matcher m = SPEC.matcher(spec);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "bad initializer '"
              + spec
              + "'; expected variance_scaling(scale=S, mode=M, distribution=D)");
    }
    return new VarianceScaling(Double.parseDouble(m.group(1)), m.group(2), m.group(3));
  }

  /** Keras' serialised form: {@code {"class_name": "VarianceScaling", "config": {...}}}. */
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("scale", scale);
    config.put("mode", mode);
    config.put("distribution", distribution);
    config.put("seed", null);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("class_name", "VarianceScaling");
    c.put("config", config);
    return c;
  }

  /**
   * From Keras' serialised config (scale, mode and distribution, each optional with Keras'
   * default).
   */
  public static VarianceScaling of(Map<?, ?> config) {
    Object s = config.get("scale");
    Object m = config.get("mode");
    Object d = config.get("distribution");
    return new VarianceScaling(
        s == null ? 1.0 : ((Number) s).doubleValue(),
        m == null ? "fan_in" : m.toString(),
        d == null ? "truncated_normal" : d.toString());
  }

  /** The standard deviation (normals) or limit (uniform) for a kernel of these fans. */
  double bound(long fanIn, long fanOut) {
    double n =
        switch (mode) {
          case "fan_in" -> fanIn;
          case "fan_out" -> fanOut;
          default -> (fanIn + fanOut) / 2.0;
        };
    double variance = scale / Math.max(1.0, n);
    return switch (distribution) {
      case "truncated_normal" -> Math.sqrt(variance) / 0.87962566103423978;
      case "untruncated_normal" -> Math.sqrt(variance);
      default -> Math.sqrt(3.0 * variance);
    };
  }
}
