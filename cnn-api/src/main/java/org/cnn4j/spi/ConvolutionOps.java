package org.cnn4j.spi;

/**
 * The convolution family of the SPI: im2col and col2im, and the convolutions {@link Backend}
 * derives from them with GEMM by default ({@link SpiDefaults}); {@link Im2colConvolution} is that
 * default as a family object. See {@link MemoryOps}.
 */
public interface ConvolutionOps {

  /**
   * Unfolds images {@code [first, first + count)} of {@code x} for channel group {@code group}.
   *
   * <p>Shapes: x {@code [n, h, w, c]}; cols {@code [count * outH * outW, kh * kw * cg]} with {@code
   * cg = c / groups}, column index {@code (ky * kw + kx) * cg + ci}. Padded taps are 0.
   */
  void im2col(Conv2dSpec spec, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols);

  /**
   * The adjoint of {@link #im2col}: adds each column entry back into {@code dx} (which the caller
   * has initialised). Shapes as {@link #im2col}.
   */
  void col2im(Conv2dSpec spec, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx);

  /**
   * {@code y = conv(x, kernel)} without bias. Shapes: x {@code [n, h, w, c]}, kernel {@code [kh,
   * kw, c / groups, filters]}, y {@code [n, outH, outW, filters]}.
   *
   * <p>The default is im2col + GEMM per chunk of images (one GEMM on the input itself for a 1x1,
   * stride-1, unpadded, ungrouped convolution), the columns in {@link MemoryOps#allocateScratch}
   * memory ({@link SpiDefaults#conv2dForward}).
   */
  void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y);

  /**
   * {@code dx = d conv / d x}, overwriting dx. Shapes: dy {@code [n, outH, outW, filters]}, kernel
   * {@code [kh, kw, c / groups, filters]}, dx {@code [n, h, w, c]}. The default is GEMM + col2im,
   * as {@link #conv2dForward} ({@link SpiDefaults#conv2dBackwardData}).
   */
  void conv2dBackwardData(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx);

  /**
   * {@code dKernel = d conv / d kernel}, overwriting it. Shapes: x {@code [n, h, w, c]}, dy {@code
   * [n, outH, outW, filters]}, dKernel {@code [kh, kw, c / groups, filters]}. The default is im2col
   * + GEMM, as {@link #conv2dForward} ({@link SpiDefaults#conv2dBackwardFilter}).
   */
  void conv2dBackwardFilter(Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel);

  /**
   * A convolution layer's forward in one op: {@code y = f(conv(x, kernel) + bias)}, bias may be
   * null. A backend fuses it to apply the bias and activation while the output is still in cache;
   * the default is {@link #conv2dForward} then {@link EpilogueOps#biasActivationForward}. Shapes as
   * {@link #conv2dForward}, bias {@code [filters]}.
   */
  void conv2dForwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y);

  /**
   * The backward of {@link #conv2dForwardFused} from its output y and the output gradient dy (not
   * modified): overwrites dKernel, dBias (when not null) and dx (when not null; the input of the
   * first layer needs none). The activation's derivative comes from y alone, so {@code kind} must
   * be one whose {@link ActivationKind#derivativeFromOutput()} holds; the others (GELU, SiLU) throw
   * {@link IllegalArgumentException}, and a layer using them keeps the pre-activation and
   * differentiates with {@link ElementwiseOps#activationBackward}. Shapes as {@link
   * #conv2dForward}.
   */
  void conv2dBackwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer y,
      DeviceBuffer dy,
      ActivationKind kind,
      float alpha,
      DeviceBuffer dx,
      DeviceBuffer dKernel,
      DeviceBuffer dBias);

  /**
   * {@code dBias[f] = sum over n, y, x of dy}. Shapes: dy {@code [n, outH, outW, filters]}, dBias
   * {@code [filters]}. The default is {@link ReductionOps#reduceMiddle}.
   */
  void conv2dBackwardBias(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias);
}
