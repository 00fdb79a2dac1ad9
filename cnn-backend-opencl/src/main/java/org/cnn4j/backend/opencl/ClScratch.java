package org.cnn4j.backend.opencl;

import java.util.EnumMap;
import java.util.Map;

/**
 * The backend's temporary buffers (im2col columns, split-K partial sums, transposed copies), kept
 * between calls and grown when a larger one is needed. Creating them per call cost a clCreateBuffer
 * and, on CPU devices, first-touch page faults over megabytes in every convolution. Reuse is safe
 * because the queue is in order: a later call's kernels run only after the earlier ones that read
 * the buffer.
 *
 * <p>Each {@link Slot} is one purpose, so nested uses (a convolution's columns, then its GEMM's
 * partial sums) never share a buffer. A slot already leased (by another thread using the same
 * backend) is not shared either: the caller then gets a one-off buffer.
 */
final class ClScratch implements AutoCloseable {
  /** One purpose a temporary buffer serves; nested uses have distinct slots. */
  enum Slot {
    CONV_COLUMNS,
    GEMM_OPERAND,
    GEMM_PARTIAL,
    FUSED_PARTIAL,
    REDUCE_PARTIAL,
    BN_FIRST,
    BN_SECOND,
    AXIS_PARTIAL,
    AXES_FIRST,
    AXES_SECOND,
    ARG_VALUES,
    ARG_POSITIONS,
    RESIZE_PASS,
    LN_GAMMA,
    LN_BETA
  }

  /** A buffer of at least the requested length, returned to its slot on close. */
  final class Lease implements AutoCloseable {
    private final Slot slot;
    private final ClBuffer buffer;

    private Lease(Slot slot, ClBuffer buffer) {
      this.slot = slot;
      this.buffer = buffer;
    }

    ClBuffer buffer() {
      return buffer;
    }

    @Override
    public void close() {
      giveBack(slot, buffer);
    }
  }

  private final ClAllocator allocator;
  private final Map<Slot, ClBuffer> idle = new EnumMap<>(Slot.class);
  private final Map<Slot, Boolean> leased = new EnumMap<>(Slot.class);
  private boolean closed;

  ClScratch(ClAllocator allocator) {
    this.allocator = allocator;
  }

  synchronized Lease lease(Slot slot, long length) {
    if (closed || Boolean.TRUE.equals(leased.get(slot))) {
      return new Lease(null, allocator.allocate(length, false));
    }
    ClBuffer buffer = idle.remove(slot);
    if (buffer == null || buffer.length() < length) {
      if (buffer != null) buffer.close();
      buffer = allocator.allocate(length, false);
    }
    leased.put(slot, true);
    return new Lease(slot, buffer);
  }

  /**
   * A lease of {@code slot} as a buffer of exactly {@code length} floats whose close ends the
   * lease, for code that takes any {@link org.cnn4j.spi.DeviceBuffer} (the SPI's default methods).
   */
  ClBuffer borrow(Slot slot, long length) {
    Lease lease = lease(slot, length);
    return lease.buffer().borrowed(length, lease::close);
  }

  private synchronized void giveBack(Slot slot, ClBuffer buffer) {
    if (slot == null || closed) {
      buffer.close();
      return;
    }
    leased.put(slot, false);
    idle.put(slot, buffer);
  }

  @Override
  public synchronized void close() {
    closed = true;
    idle.values().forEach(ClBuffer::close);
    idle.clear();
  }
}
