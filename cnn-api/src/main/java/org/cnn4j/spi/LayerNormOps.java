package org.cnn4j.spi;

/** The layer-normalisation family of the SPI: forward and gradients. See {@link MemoryOps}. */
public interface LayerNormOps {

  /**
   * Normalises each row: {@code y = gamma * (x - mean) * rstd + beta} with the row's mean and
   * {@code rstd = 1 / sqrt(biased variance + eps)}, which it also writes (the backward reads them).
   * gamma or beta may be null (Keras' scale=False, center=False). Shapes: x and y {@code [rows,
   * cols]}; gamma and beta {@code [cols]}; mean and rstd {@code [rows]}. x may be y.
   */
  void layerNormForward(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer y,
      DeviceBuffer mean,
      DeviceBuffer rstd);

  /**
   * Gradients of {@link #layerNormForward} from its input, mean and rstd: overwrites dx, and dGamma
   * and dBeta unless null. gamma null means 1. Shapes as the forward, dy and dx like x.
   */
  void layerNormBackward(
      DeviceBuffer x,
      DeviceBuffer dy,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer rstd,
      DeviceBuffer gamma,
      DeviceBuffer dx,
      DeviceBuffer dGamma,
      DeviceBuffer dBeta);
}
