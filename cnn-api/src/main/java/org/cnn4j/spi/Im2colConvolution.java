package org.cnn4j.spi;

/**
 * A convolution family built on im2col + GEMM: a subclass supplies {@link #im2col} and {@link
 * #col2im} (its kernels), and the convolutions run {@link SpiDefaults} on them and on the families
 * given to the constructor, as {@link Backend}'s defaults do on a whole backend. A subclass may
 * still override any of them for speed.
 */
public abstract class Im2colConvolution implements ConvolutionOps {
  private final GemmOps gemm;
  private final MemoryOps memory;
  private final EpilogueOps epilogue;
  private final ReductionOps reductions;

  /**
   * @param gemm multiplies the columns
   * @param memory holds the columns ({@link MemoryOps#allocateScratch}) and the fused backward's
   *     activation gradient, and clears the data gradient
   * @param epilogue the bias and activation of the fused forward and backward
   * @param reductions sums the bias gradient
   */
  protected Im2colConvolution(
      GemmOps gemm, MemoryOps memory, EpilogueOps epilogue, ReductionOps reductions) {
    this.gemm = gemm;
    this.memory = memory;
    this.epilogue = epilogue;
    this.reductions = reductions;
  }

  @Override
  public void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    SpiDefaults.conv2dForward(this, gemm, memory, s, x, kernel, y);
  }

  @Override
  public void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    SpiDefaults.conv2dBackwardData(this, gemm, memory, s, dy, kernel, dx);
  }

  @Override
  public void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    SpiDefaults.conv2dBackwardFilter(this, gemm, memory, s, x, dy, dKernel);
  }

  @Override
  public void conv2dForwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    SpiDefaults.conv2dForwardFused(this, epilogue, s, x, kernel, bias, kind, alpha, y);
  }

  @Override
  public void conv2dBackwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer y,
      DeviceBuffer dy,
      ActivationKind kind,
      float alpha,
      DeviceBuffer dx,
      DeviceBuffer dKernel,
      DeviceBuffer dBias) {
    SpiDefaults.conv2dBackwardFused(
        this, epilogue, memory, s, x, kernel, y, dy, kind, alpha, dx, dKernel, dBias);
  }

  @Override
  public void conv2dBackwardBias(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias) {
    SpiDefaults.conv2dBackwardBias(reductions, s, dy, dBias);
  }
}
