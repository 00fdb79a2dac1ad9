package org.cnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.MemoryStats;

/**
 * The backend's buffers: device blocks from a {@link CachingAllocator} over cuMemAlloc/cuMemFree,
 * and the counts of caller-owned buffers for {@link MemoryStats} (the backend's scratch buffers and
 * the cache do not count).
 */
final class CuAllocator implements AutoCloseable {
  private final CuContext cu;
  private final CachingAllocator<DevicePtr> cache;
  private long liveBuffers;
  private long liveBytes;
  private long peakBytes;

  CuAllocator(CuContext cu) {
    this.cu = cu;
    this.cache =
        new CachingAllocator<>(
            new CachingAllocator.DeviceMemory<>() {
              @Override
              public DevicePtr allocate(long bytes) {
                DevicePtr p = new DevicePtr();
                cu.check(cuMemAlloc(p, bytes), "cuMemAlloc", (bytes >> 20) + " MiB");
                return p;
              }

              @Override
              public void free(DevicePtr handle) {
                // After close the primary context's release has freed everything already.
                if (!cu.isReleased()) cu.check(cuMemFree(handle), "cuMemFree", handle.toString());
              }
            });
  }

  /** Caller-owned buffers count in {@link #stats()}; scratch buffers of the backend do not. */
  CuBuffer allocate(long length, boolean counted) {
    if (length < 0) throw new IllegalArgumentException("negative buffer length " + length);
    cu.ensureHealthy("allocate");
    long bytes = length * Float.BYTES;
    if (bytes > cu.device().totalMemBytes()) {
      throw new IllegalArgumentException(
          "a buffer of "
              + length
              + " floats exceeds the GPU's "
              + (cu.device().totalMemBytes() >> 20)
              + " MiB");
    }
    CuBuffer buffer = new CuBuffer(this, cache.acquire(bytes), length, counted);
    if (counted) {
      synchronized (this) {
        liveBuffers++;
        liveBytes += bytes;
        peakBytes = Math.max(peakBytes, liveBytes);
      }
    }
    return buffer;
  }

  void released(CuBuffer buffer, CachingAllocator.Block<DevicePtr> block) {
    cache.release(block);
    if (!buffer.counted()) return;
    synchronized (this) {
      liveBuffers--;
      liveBytes -= buffer.length() * Float.BYTES;
    }
  }

  synchronized MemoryStats stats() {
    return new MemoryStats(liveBuffers, liveBytes, peakBytes);
  }

  /** Bytes the cache holds from the device (in use plus free lists), for the description. */
  long reservedBytes() {
    return cache.reservedBytes();
  }

  /** The buffer as this backend's, or an error naming the mismatch. */
  CuBuffer own(DeviceBuffer buffer, String name) {
    if (buffer == null) throw new NullPointerException(name + " is null");
    if (buffer instanceof CuBuffer b && b.owner() == this) {
      cu.ensureOpen();
      b.base(); // fails fast when closed
      return b;
    }
    throw new IllegalArgumentException(
        name + " is " + buffer + ", not a buffer of this CUDA backend");
  }

  @Override
  public void close() {
    cache.close();
  }
}
