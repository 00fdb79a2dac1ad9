package org.cnn4j.spi;

/**
 * What a compute backend implements. Every method works on buffers the caller allocated
 * (destination passing), so ownership is never in doubt. Layouts: activations NHWC, convolution
 * kernels HWIO, matrices row-major. Operations may run asynchronously; {@link #download} and {@link
 * #synchronize()} wait for them.
 *
 * <p>The ops come in families, one interface each, which this one extends: {@link MemoryOps},
 * {@link GemmOps}, {@link ConvolutionOps}, {@link PoolingOps}, {@link ElementwiseOps}, {@link
 * EpilogueOps}, {@link StridedOps}, {@link ResizeOps}, {@link ReductionOps}, {@link LayerNormOps},
 * {@link BatchNormOps}, {@link DropoutOps} and {@link OptimizerOps}. A backend implements this
 * interface directly, or extends {@link FamilyBackend} with one object per family.
 *
 * <p>The default methods derive composite ops (the convolutions, the bias epilogue, strided GEMM
 * batches) from the required ones; a backend overrides them only for speed. Those that need more
 * than one family run {@link SpiDefaults} on this backend. The conformance suite checks both paths.
 */
public interface Backend
    extends MemoryOps,
        GemmOps,
        ConvolutionOps,
        PoolingOps,
        ElementwiseOps,
        EpilogueOps,
        StridedOps,
        ResizeOps,
        ReductionOps,
        LayerNormOps,
        BatchNormOps,
        DropoutOps,
        OptimizerOps,
        AutoCloseable {

  // ---------------------------------------------------------------- identity and lifecycle

  /** The provider id ("cpu", "opencl", "cuda"). */
  String id();

  /** One line for logs: device, library versions, threads. */
  String description();

  /** Waits until every operation issued so far has finished. */
  void synchronize();

  /** Frees everything the backend holds (pools, contexts). Buffers must be closed first. */
  @Override
  void close();

  /**
   * Handles for data-parallel work, or none (the default) when this backend parallelises inside
   * each op. Each lane runs its ops on the calling thread alone, shares this backend's buffers, and
   * is used by one thread at a time; the model gives each lane a slice of the batch. On a few cores
   * a small network's ops are too short to split (waking another thread costs more than the op), so
   * slicing the batch is what keeps every core busy. The backend owns its lanes and closes them.
   */
  default java.util.List<Backend> lanes() {
    return java.util.List.of();
  }

  // ---------------------------------------------------------------- derived ops

  /** {@inheritDoc} The default runs {@link SpiDefaults#conv2dForward} on this backend. */
  @Override
  default void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    SpiDefaults.conv2dForward(this, this, this, s, x, kernel, y);
  }

  /** {@inheritDoc} The default runs {@link SpiDefaults#conv2dBackwardData} on this backend. */
  @Override
  default void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    SpiDefaults.conv2dBackwardData(this, this, this, s, dy, kernel, dx);
  }

  /** {@inheritDoc} The default runs {@link SpiDefaults#conv2dBackwardFilter} on this backend. */
  @Override
  default void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    SpiDefaults.conv2dBackwardFilter(this, this, this, s, x, dy, dKernel);
  }

  /** {@inheritDoc} The default runs {@link SpiDefaults#conv2dForwardFused} on this backend. */
  @Override
  default void conv2dForwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    SpiDefaults.conv2dForwardFused(this, this, s, x, kernel, bias, kind, alpha, y);
  }

  /**
   * The end of a residual block in one op, for inference: {@code y = f(conv(x, kernel) + bias +
   * y)}, y holding the shortcut on entry (ResNet's last convolution of a block, the addition and
   * the ReLU after it). bias may be null; {@code kind} is one {@link #biasActivationForward} takes.
   * A backend fuses it so that the shortcut is read once while the output is written, instead of
   * three more passes (write the convolution, add, activate). The default runs {@link
   * SpiDefaults#conv2dForwardResidual} on this backend. Shapes as {@link #conv2dForward}, y {@code
   * [n, outH, outW, filters]}, bias {@code [filters]}.
   */
  default void conv2dForwardResidual(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    SpiDefaults.conv2dForwardResidual(this, s, x, kernel, bias, kind, alpha, y);
  }

  /** {@inheritDoc} The default runs {@link SpiDefaults#conv2dBackwardFused} on this backend. */
  @Override
  default void conv2dBackwardFused(
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
        this, this, this, s, x, kernel, y, dy, kind, alpha, dx, dKernel, dBias);
  }

  /** {@inheritDoc} The default runs {@link SpiDefaults#conv2dBackwardBias} on this backend. */
  @Override
  default void conv2dBackwardBias(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias) {
    SpiDefaults.conv2dBackwardBias(this, s, dy, dBias);
  }

  /** {@inheritDoc} The default runs {@link SpiDefaults#biasAdd} on this backend. */
  @Override
  default void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    SpiDefaults.biasAdd(this, y, bias, rows, cols);
  }

  /** {@inheritDoc} The default runs {@link SpiDefaults#biasActivationForward} on this backend. */
  @Override
  default void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    SpiDefaults.biasActivationForward(this, this, kind, alpha, y, bias, rows, cols);
  }

  /** {@inheritDoc} The default runs {@link SpiDefaults#activationBackwardBias} on this backend. */
  @Override
  default void activationBackwardBias(
      ActivationKind kind,
      float alpha,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dz,
      int rows,
      int cols,
      DeviceBuffer dBias) {
    SpiDefaults.activationBackwardBias(this, this, kind, alpha, y, dy, dz, rows, cols, dBias);
  }
}
