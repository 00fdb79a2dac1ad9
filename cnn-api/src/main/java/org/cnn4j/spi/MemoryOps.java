package org.cnn4j.spi;

/**
 * The memory family of the SPI: allocation, transfers between the host and device buffers, copies
 * and fills. One of the op families {@link Backend} is made of; see {@link FamilyBackend} for a
 * backend built from one object per family.
 */
public interface MemoryOps {

  /** Allocates {@code length} floats; the contents are undefined. */
  DeviceBuffer allocate(long length);

  /**
   * Allocates {@code length} floats of temporary memory for a default method (the im2col columns of
   * {@link ConvolutionOps#conv2dForward}), which closes it before it returns. The default is {@link
   * #allocate}; a backend may hand out memory it keeps between calls, which {@link #memoryStats()}
   * need not count.
   */
  default DeviceBuffer allocateScratch(long length) {
    return allocate(length);
  }

  /** Copies {@code len} floats from the host array into {@code dst} at {@code dstOffset}. */
  void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len);

  /** Copies {@code len} floats from {@code src} at {@code srcOffset} into the host array; waits. */
  void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len);

  /**
   * {@code dst[dstOffset + i] = src[srcOffset + i]} for {@code i < len}. The ranges must not
   * overlap.
   */
  void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len);

  /** {@code buf[offset + i] = value} for {@code i < len}. */
  void fill(DeviceBuffer buf, long offset, long len, float value);

  /** Buffers allocated and not yet closed. */
  MemoryStats memoryStats();

  /**
   * Says that the passes from now on allocate other sizes than those before (training gave way to
   * inference, the batch size changed): memory the backend keeps for reuse that these passes do not
   * ask for may be given back rather than kept beside what they allocate. A hint: a backend that
   * keeps nothing ignores it, and so does a closed one. Live buffers are never touched.
   */
  default void startAllocationPhase() {}
}
