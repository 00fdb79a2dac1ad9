package org.cnn4j.spi;

/**
 * The batch-normalisation family of the SPI: statistics, the normalisation and its training-mode
 * gradients. See {@link MemoryOps}.
 */
public interface BatchNormOps {

  /**
   * Per-column mean and biased variance. Shapes: x {@code [rows, cols]} (NHWC: rows = n*h*w, cols =
   * channels); mean and variance {@code [cols]}.
   */
  void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance);

  /** {@code y = gamma * (x - mean) / sqrt(variance + eps) + beta} per column. x may be y. */
  void batchNormApply(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer variance,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer y);

  /**
   * Gradients of training-mode batch normalisation (batch statistics), overwriting dx, dGamma and
   * dBeta. Shapes: x, dy, dx {@code [rows, cols]}; the rest {@code [cols]}.
   */
  void batchNormBackward(
      DeviceBuffer x,
      DeviceBuffer dy,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer variance,
      DeviceBuffer gamma,
      float eps,
      DeviceBuffer dx,
      DeviceBuffer dGamma,
      DeviceBuffer dBeta);
}
