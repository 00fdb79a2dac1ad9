package org.cnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import java.util.Objects;
import jcuda.Pointer;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.MemoryOps;
import org.cnn4j.spi.MemoryStats;

/**
 * Allocation from the caching allocator, transfers between the host and device memory, copies and
 * fills. Uploads go through pinned staging ({@link CuStaging}) and do not wait; a download waits
 * for the stream.
 */
final class CuMemory implements MemoryOps {
  private final CuOps ops;
  private final CuContext cu;
  private final CuStaging staging;

  CuMemory(CuOps ops, CuStaging staging) {
    this.ops = ops;
    this.cu = ops.cu;
    this.staging = staging;
  }

  @Override
  public DeviceBuffer allocate(long length) {
    return ops.allocator.allocate(length, true);
  }

  /** The im2col columns of the SPI's convolutions: cached device memory, not counted. */
  @Override
  public DeviceBuffer allocateScratch(long length) {
    return ops.scratch(length);
  }

  @Override
  public MemoryStats memoryStats() {
    return ops.allocator.stats();
  }

  @Override
  public void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    Objects.checkFromIndexSize(srcOffset, len, src.length);
    CuBuffer d = ops.range(dst, "dst", dstOffset, len);
    if (len == 0) return;
    cu.ensureHealthy("upload");
    staging.upload(src, srcOffset, d, dstOffset, len);
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    Objects.checkFromIndexSize(dstOffset, len, dst.length);
    CuBuffer s = ops.range(src, "src", srcOffset, len);
    cu.ensureHealthy("download");
    // Waiting on the stream first names a failed kernel as such rather than as a copy error.
    cu.synchronize("download");
    if (len == 0) return;
    cu.check(
        cuMemcpyDtoH(
            Pointer.to(dst).withByteOffset((long) dstOffset * Float.BYTES),
            s.base().withByteOffset(srcOffset * Float.BYTES),
            (long) len * Float.BYTES),
        "download",
        len + " floats");
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    CuBuffer s = ops.range(src, "src", srcOffset, len);
    CuBuffer d = ops.range(dst, "dst", dstOffset, len);
    if (len == 0) return;
    cu.ensureHealthy("copy");
    cu.check(
        cuMemcpyDtoDAsync(
            d.base().withByteOffset(dstOffset * Float.BYTES),
            s.base().withByteOffset(srcOffset * Float.BYTES),
            len * Float.BYTES,
            cu.stream()),
        "copy",
        len + " floats");
  }

  @Override
  public void fill(DeviceBuffer buf, long offset, long len, float value) {
    CuBuffer b = ops.range(buf, "buf", offset, len);
    if (len == 0) return;
    cu.ensureHealthy("fill");
    cu.check(
        cuMemsetD32Async(
            b.base().withByteOffset(offset * Float.BYTES),
            Float.floatToRawIntBits(value),
            len,
            cu.stream()),
        "fill",
        len + " floats");
  }
}
