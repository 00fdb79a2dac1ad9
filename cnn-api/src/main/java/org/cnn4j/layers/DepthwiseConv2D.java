package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.tensor.Shape;

/**
 * Keras' {@code DepthwiseConv2D(kernel_size, depth_multiplier=1)}: each input channel convolved
 * with its own {@code depth_multiplier} filters; kernel {@code [kh, kw, channels,
 * depth_multiplier]} (Keras' depthwise_kernel), output channels {@code channels *
 * depth_multiplier}. A grouped convolution with one group per channel: the kernel's memory is
 * exactly the grouped HWIO kernel's.
 */
public final class DepthwiseConv2D extends ConvLayer<DepthwiseConv2D> {
  private int depthMultiplier = 1;

  /**
   * A square kernel, with Keras' other defaults (depth multiplier 1, strides 1, padding valid,
   * bias).
   *
   * @param kernelSize the kernel's height and width (Keras' {@code kernel_size})
   */
  public DepthwiseConv2D(int kernelSize) {
    this(kernelSize, kernelSize);
  }

  /**
   * A kernel of {@code kernelH} x {@code kernelW}.
   *
   * @param kernelH the kernel's height
   * @param kernelW the kernel's width
   */
  public DepthwiseConv2D(int kernelH, int kernelW) {
    super(kernelH, kernelW);
  }

  /** Keras' {@code depth_multiplier} (1 by default): the filters per input channel. */
  public DepthwiseConv2D depthMultiplier(int m) {
    if (m < 1) throw new IllegalArgumentException("DepthwiseConv2D: depth_multiplier >= 1");
    this.depthMultiplier = m;
    return this;
  }

  /** The filters per input channel (Keras' {@code depth_multiplier}). */
  public int depthMultiplier() {
    return depthMultiplier;
  }

  @Override
  int filtersFor(int channels) {
    return channels * depthMultiplier;
  }

  @Override
  int groupsFor(int channels) {
    return channels;
  }

  @Override
  Shape kernelShape(int channels) {
    return Shape.of(kernelH, kernelW, channels, depthMultiplier);
  }

  @Override
  String kernelName() {
    return "depthwise_kernel";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("depth_multiplier", depthMultiplier);
    return c;
  }
}
