package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.tensor.Shape;

/**
 * Keras' {@code Conv2D}: NHWC input, HWIO kernel {@code [kh, kw, c / groups, filters]},
 * glorot_uniform kernel and zero bias by default.
 *
 * <pre>{@code new Conv2D(32, 3).activation("relu").padding("same")}</pre>
 */
public final class Conv2D extends ConvLayer<Conv2D> {
  private final int filters;
  private int groups = 1;

  /**
   * A square kernel, with Keras' other defaults (strides 1, padding valid, bias, no activation).
   *
   * @param filters the output channels, >= 1
   * @param kernelSize the kernel's height and width (Keras' {@code kernel_size})
   */
  public Conv2D(int filters, int kernelSize) {
    this(filters, kernelSize, kernelSize);
  }

  /**
   * A square kernel and an activation.
   *
   * @param filters the output channels, >= 1
   * @param kernelSize the kernel's height and width (Keras' {@code kernel_size})
   * @param activationName a Keras activation name ("relu", ...), or null for none
   */
  public Conv2D(int filters, int kernelSize, String activationName) {
    this(filters, kernelSize, kernelSize);
    activation(activationName);
  }

  /**
   * A kernel of {@code kernelH} x {@code kernelW}.
   *
   * @param filters the output channels, >= 1
   * @param kernelH the kernel's height
   * @param kernelW the kernel's width
   */
  public Conv2D(int filters, int kernelH, int kernelW) {
    super(kernelH, kernelW);
    if (filters < 1) throw new IllegalArgumentException("Conv2D: filters must be >= 1");
    this.filters = filters;
  }

  /**
   * Keras' {@code groups} (1 by default): splits the input channels and the filters into {@code g}
   * groups, each convolved apart; both counts must be divisible by it.
   */
  public Conv2D groups(int g) {
    if (g < 1) throw new IllegalArgumentException("Conv2D: groups must be >= 1");
    if (filters % g != 0) {
      throw new IllegalArgumentException(
          "Conv2D: filters (" + filters + ") must be divisible by groups (" + g + ")");
    }
    this.groups = g;
    return this;
  }

  /** The output channels (Keras' {@code filters}). */
  public int filters() {
    return filters;
  }

  @Override
  int filtersFor(int channels) {
    return filters;
  }

  @Override
  int groupsFor(int channels) {
    return groups;
  }

  @Override
  Shape kernelShape(int channels) {
    return Shape.of(kernelH, kernelW, channels / groups, filters);
  }

  @Override
  void checkChannels(Shape input) {
    if (input.dim(2) % groups != 0) {
      throw badInput(input, "channels divisible by groups=" + groups);
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    Map<String, Object> ordered = new java.util.LinkedHashMap<>();
    ordered.put("name", c.remove("name"));
    if (c.containsKey("trainable")) ordered.put("trainable", c.remove("trainable"));
    ordered.put("filters", filters);
    ordered.putAll(c);
    ordered.put("groups", groups);
    return ordered;
  }
}
