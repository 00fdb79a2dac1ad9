package org.cnn4j.backend.cpu;

import org.bytedeco.javacpp.FloatPointer;
import org.cnn4j.spi.DeviceBuffer;

/**
 * Off-heap float memory from the backend's {@link BufferPool}. {@link #data} is a direct view the
 * Java loops index; {@link #pointer} is what BLAS receives. Closing returns the memory to the pool.
 */
final class CpuBuffer implements DeviceBuffer {
  final FloatPointer pointer;
  final Floats data;
  private final long length;
  private final BufferPool pool;
  private boolean closed;

  CpuBuffer(FloatPointer pointer, long length, BufferPool pool) {
    this.pointer = pointer;
    this.length = length;
    this.pool = pool;
    this.data = new Floats(pointer.address(), length);
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    pool.release(this);
  }

  /** The buffer as this backend's, or an error naming what is wrong with it. */
  static CpuBuffer own(DeviceBuffer b) {
    if (!(b instanceof CpuBuffer c)) {
      throw new IllegalArgumentException("not a cpu buffer: " + b);
    }
    c.pool.guard.ensureUsable();
    if (c.isClosed()) throw new IllegalStateException("cpu buffer used after close()");
    return c;
  }

  /** The buffer's floats, after the checks of {@link #own}. */
  static Floats floats(DeviceBuffer b) {
    return own(b).data;
  }

  @Override
  public String toString() {
    return "CpuBuffer[" + length + (closed ? ", closed]" : "]");
  }
}
