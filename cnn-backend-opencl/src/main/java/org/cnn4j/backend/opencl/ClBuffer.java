package org.cnn4j.backend.opencl;

import static org.jocl.CL.clReleaseMemObject;

import java.util.concurrent.atomic.AtomicBoolean;
import org.cnn4j.spi.DeviceBuffer;
import org.jocl.cl_mem;

/**
 * One cl_mem of float32 values, freed by {@link #close()} (once, from any thread); or a borrowed
 * view of another buffer's cl_mem, whose close hands it back instead.
 */
final class ClBuffer implements DeviceBuffer {
  private final ClAllocator owner;
  private final cl_mem mem;
  private final long length;
  private final boolean counted;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** What closing does, once: release the cl_mem, or hand a borrowed one back. */
  private final Runnable release;

  ClBuffer(ClAllocator owner, cl_mem mem, long length, boolean counted) {
    this.owner = owner;
    this.mem = mem;
    this.length = length;
    this.counted = counted;
    this.release =
        () -> {
          clReleaseMemObject(mem);
          owner.released(this);
        };
  }

  private ClBuffer(ClBuffer lender, long length, Runnable giveBack) {
    this.owner = lender.owner;
    this.mem = lender.mem();
    this.length = length;
    this.counted = false;
    this.release = giveBack;
  }

  /**
   * The first {@code length} floats of this buffer as a buffer of their own (not counted), whose
   * close runs {@code giveBack} and leaves this buffer open.
   */
  ClBuffer borrowed(long length, Runnable giveBack) {
    if (length > this.length) {
      throw new IllegalArgumentException(
          "cannot borrow " + length + " floats of a buffer of " + this.length);
    }
    return new ClBuffer(this, length, giveBack);
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
    if (closed.compareAndSet(false, true)) release.run();
  }

  @Override
  public String toString() {
    return "ClBuffer[" + length + (isClosed() ? ", closed]" : "]");
  }
}
