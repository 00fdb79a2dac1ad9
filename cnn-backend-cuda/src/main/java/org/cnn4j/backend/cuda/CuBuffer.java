package org.cnn4j.backend.cuda;

import java.util.concurrent.atomic.AtomicBoolean;
import org.cnn4j.spi.DeviceBuffer;

/**
 * float32 device memory: a block of the caching allocator, returned to it by {@link #close()}
 * (once).
 */
final class CuBuffer implements DeviceBuffer {
  private final CuAllocator owner;
  private final CachingAllocator.Block<DevicePtr> block;
  private final long length;
  private final boolean counted;
  private final AtomicBoolean closed = new AtomicBoolean();

  CuBuffer(
      CuAllocator owner, CachingAllocator.Block<DevicePtr> block, long length, boolean counted) {
    this.owner = owner;
    this.block = block;
    this.length = length;
    this.counted = counted;
  }

  /** Whether the buffer counts in the backend's memory statistics (scratch buffers do not). */
  boolean counted() {
    return counted;
  }

  CuAllocator owner() {
    return owner;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  /** The block's base pointer (for copies); using a closed buffer is an error, reported as such. */
  DevicePtr base() {
    if (closed.get())
      throw new IllegalStateException("CUDA buffer of " + length + " floats is closed");
    return block.handle();
  }

  /** A kernel argument: the address of element {@code offset}. */
  CuModule.Arg.Ptr at(long offset) {
    return new CuModule.Arg.Ptr(base().address() + offset * Float.BYTES);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) owner.released(this, block);
  }

  @Override
  public String toString() {
    return "CuBuffer[" + length + (isClosed() ? ", closed]" : "]");
  }
}
