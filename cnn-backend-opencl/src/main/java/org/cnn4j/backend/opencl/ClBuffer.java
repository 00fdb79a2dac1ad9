package org.cnn4j.backend.opencl;

import static org.jocl.CL.clReleaseMemObject;

import java.util.concurrent.atomic.AtomicBoolean;
import org.cnn4j.spi.DeviceBuffer;
import org.jocl.cl_mem;

/** One cl_mem of float32 values, freed by {@link #close()} (once, from any thread). */
final class ClBuffer implements DeviceBuffer {
  private final ClAllocator owner;
  private final cl_mem mem;
  private final long length;
  private final boolean counted;
  private final AtomicBoolean closed = new AtomicBoolean();

  ClBuffer(ClAllocator owner, cl_mem mem, long length, boolean counted) {
    this.owner = owner;
    this.mem = mem;
    this.length = length;
    this.counted = counted;
  }

  /** Whether the buffer counts in the backend's memory statistics (scratch buffers do not). */
  boolean counted() {
    return counted;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  ClAllocator owner() {
    return owner;
  }

  /** The native buffer; using a closed buffer is a programming error, reported as such. */
  cl_mem mem() {
    if (closed.get())
      throw new IllegalStateException("OpenCL buffer of " + length + " floats is closed");
    return mem;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      clReleaseMemObject(mem);
      owner.released(this);
    }
  }

  @Override
  public String toString() {
    return "ClBuffer[" + length + (isClosed() ? ", closed]" : "]");
  }
}
