package org.cnn4j.spi;

/** The pooling family of the SPI: max and average pooling. See {@link MemoryOps}. */
public interface PoolingOps {

  /** Max pooling. Shapes: x {@code [n, h, w, c]}, y {@code [n, outH, outW, c]}. */
  void maxPool2dForward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer y);

  /**
   * Gradient of max pooling, overwriting dx. Ties: the first maximum in row-major window order
   * (top-left first) takes the whole gradient. Shapes: x and dx {@code [n, h, w, c]}, dy {@code [n,
   * outH, outW, c]}.
   */
  void maxPool2dBackward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx);

  /** Average pooling; padded positions are not counted. Shapes as max pooling. */
  void avgPool2dForward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer y);

  /** Gradient of average pooling, overwriting dx. Shapes as max pooling. */
  void avgPool2dBackward(Pool2dSpec spec, DeviceBuffer dy, DeviceBuffer dx);
}
