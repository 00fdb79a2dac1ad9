package org.cnn4j.spi;

/**
 * The resize family of the SPI: bilinear resizing of images and its adjoint. See {@link MemoryOps}.
 */
public interface ResizeOps {

  /**
   * Bilinear resize with half-pixel centres (TensorFlow's {@code resize(method="bilinear")}, Keras'
   * UpSampling2D(interpolation="bilinear")): output pixel o samples input position {@code s =
   * max(0, (o + 0.5) * in / out - 0.5)} along each axis, between {@code floor(s)} and {@code
   * min(floor(s) + 1, in - 1)} with weight {@code s - floor(s)}. Shapes: x {@code [n, h, w, c]}, y
   * {@code [n, outH, outW, c]}.
   */
  void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y);

  /** The adjoint of {@link #resizeBilinear}, overwriting dx. Shapes as there, dy like y. */
  void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx);
}
