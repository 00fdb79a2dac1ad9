package org.cnn4j.spi;

/**
 * The strided-view family of the SPI: copies and broadcasting binary ops between {@link
 * StridedView}s of buffers. See {@link MemoryOps}.
 */
public interface StridedOps {

  /**
   * Copies between two views of equal shape: {@code dst[to.position(i)] = src[from.position(i)]}
   * for every row-major index i. The source may repeat elements (stride 0); the destination may not
   * ({@link StridedView#repeats()}), and the two must not overlap in one buffer. Concatenation,
   * slicing, padding, cropping, transposes and nearest upsampling are copies of this kind.
   */
  void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to);

  /**
   * Element-wise with broadcasting: {@code out[i] = a[av.position(i)] op b[bv.position(i)]} for
   * every row-major index i of the views' common shape, out contiguous from {@code outOffset}. A
   * stride 0 repeats an operand along that axis, as NumPy's broadcasting. out must not overlap a or
   * b. Shapes: av and bv have equal shapes; out holds their size from outOffset.
   */
  void binaryBroadcast(
      BinaryOp op,
      DeviceBuffer a,
      StridedView av,
      DeviceBuffer b,
      StridedView bv,
      DeviceBuffer out,
      long outOffset);
}
