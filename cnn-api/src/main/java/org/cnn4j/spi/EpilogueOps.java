package org.cnn4j.spi;

/**
 * The epilogue family of the SPI: a layer's bias and activation after its convolution or GEMM, and
 * their backward, which a backend fuses into one pass over the output. {@link Backend} derives them
 * from {@link ReductionOps} and {@link ElementwiseOps} by default ({@link SpiDefaults}). See {@link
 * MemoryOps}.
 */
public interface EpilogueOps {

  /**
   * {@code y[r, c] += bias[c]}. Shapes: y {@code [rows, cols]}, bias {@code [cols]}. The default is
   * {@link ReductionOps#broadcastMiddle}.
   */
  void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols);

  /**
   * The epilogue of a convolution or dense layer, in place: {@code y[r, c] = f(y[r, c] + bias[c])}.
   * bias may be null. Shapes: y {@code [rows, cols]}, bias {@code [cols]}. The default is {@link
   * #biasAdd} then {@link ElementwiseOps#activationForward}.
   */
  void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols);

  /**
   * The backward of {@link #biasActivationForward} from its output y: {@code dz = dy * f'(y)}
   * (ReLU's and LeakyReLU's sign read from y), and, when dBias is not null, {@code dBias[c] = sum_r
   * dz[r, c]} (overwritten). dz may be dy. Only the kinds whose {@link
   * ActivationKind#derivativeFromOutput()} holds have a derivative in terms of y; the others (GELU,
   * SiLU: not invertible) throw {@link IllegalArgumentException}. Shapes: y, dy, dz {@code [rows,
   * cols]}. The default is {@link ElementwiseOps#activationBackward} then {@link
   * ReductionOps#reduceMiddle}.
   */
  void activationBackwardBias(
      ActivationKind kind,
      float alpha,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dz,
      int rows,
      int cols,
      DeviceBuffer dBias);
}
