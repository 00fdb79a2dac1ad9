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
   * Training-mode batch normalisation in one call: the batch's per-column mean and biased variance
   * into {@code mean} and {@code variance}, and {@code y} normalised by them as {@link
   * #batchNormApply} does. A backend can do both in fewer passes over x than the two ops; the
   * default is {@link #batchNormStatistics} then {@link #batchNormApply}. x may be y.
   */
  default void batchNormTraining(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer mean,
      DeviceBuffer variance,
      DeviceBuffer y) {
    batchNormStatistics(x, rows, cols, mean, variance);
    batchNormApply(x, rows, cols, mean, variance, gamma, beta, eps, y);
  }

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
