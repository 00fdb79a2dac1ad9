package org.cnn4j.backend.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.clCreateBuffer;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.MemoryStats;
import org.jocl.Sizeof;
import org.jocl.cl_mem;

/** Creates one cl_mem per buffer and counts live buffers and bytes for {@link MemoryStats}. */
final class ClAllocator {
  private final ClContext cl;
  private long liveBuffers;
  private long liveBytes;
  private long peakBytes;

  ClAllocator(ClContext cl) {
    this.cl = cl;
  }

  /** Caller-owned buffers count in {@link #stats()}; scratch buffers of the backend do not. */
  ClBuffer allocate(long length, boolean counted) {
    if (length < 0) throw new IllegalArgumentException("negative buffer length " + length);
    long bytes = length * Sizeof.cl_float;
    if (bytes > cl.device().maxAllocBytes()) {
      throw new IllegalArgumentException(
          "a buffer of "
              + length
              + " floats exceeds the device's"
              + " largest allocation ("
              + (cl.device().maxAllocBytes() >> 20)
              + " MiB)");
    }
    int[] err = new int[1];
    // OpenCL rejects zero-sized buffers; an empty DeviceBuffer still needs a handle.
    cl_mem mem =
        clCreateBuffer(
            cl.context(), CL_MEM_READ_WRITE, Math.max(bytes, Sizeof.cl_float), null, err);
    cl.check(err[0], "allocate", length + " floats");
    ClBuffer buffer = new ClBuffer(this, mem, length, counted);
    if (counted) {
      synchronized (this) {
        liveBuffers++;
        liveBytes += bytes;
        peakBytes = Math.max(peakBytes, liveBytes);
      }
    }
    return buffer;
  }

  void released(ClBuffer buffer) {
    if (!buffer.counted()) return;
    synchronized (this) {
      liveBuffers--;
      liveBytes -= buffer.length() * Sizeof.cl_float;
    }
  }

  synchronized MemoryStats stats() {
    return new MemoryStats(liveBuffers, liveBytes, peakBytes);
  }

  /** The buffer as this backend's, or an error naming the mismatch. */
  ClBuffer own(DeviceBuffer buffer, String name) {
    if (buffer == null) throw new NullPointerException(name + " is null");
    if (buffer instanceof ClBuffer b && b.owner() == this) {
      cl.ensureHealthy();
      b.mem(); // fails fast when closed
      return b;
    }
    throw new IllegalArgumentException(
        name + " is " + buffer + ", not a buffer of this OpenCL backend");
  }
}
