package org.cnn4j.backend.opencl;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import java.util.Objects;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.MemoryOps;
import org.cnn4j.spi.MemoryStats;
import org.jocl.Pointer;
import org.jocl.Sizeof;

/**
 * Allocation, transfers between the host and buffers, copies and fills. Offsets travel as byte
 * offsets of the enqueue calls, never as sub-buffers, so no alignment rule applies.
 */
final class ClMemory implements MemoryOps {
  private final ClOps ops;
  private final ClContext cl;

  ClMemory(ClOps ops) {
    this.ops = ops;
    this.cl = ops.cl;
  }

  @Override
  public DeviceBuffer allocate(long length) {
    cl.ensureHealthy("allocate");
    return ops.allocator.allocate(length, true);
  }

  /** The im2col columns of the SPI's convolutions: a slot kept between calls, not counted. */
  @Override
  public DeviceBuffer allocateScratch(long length) {
    cl.ensureHealthy("allocate");
    return ops.scratch.borrow(ClScratch.Slot.CONV_COLUMNS, length);
  }

  @Override
  public MemoryStats memoryStats() {
    return ops.allocator.stats();
  }

  @Override
  public void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    Objects.checkFromIndexSize(srcOffset, len, src.length);
    ClBuffer d = ops.range(dst, "dst", dstOffset, len);
    if (len == 0) return;
    cl.ensureHealthy("upload");
    // Blocking: the Java array may move once this call returns.
    cl.check(
        clEnqueueWriteBuffer(
            cl.queue(),
            d.mem(),
            CL_TRUE,
            dstOffset * Sizeof.cl_float,
            (long) len * Sizeof.cl_float,
            Pointer.to(src).withByteOffset((long) srcOffset * Sizeof.cl_float),
            0,
            null,
            null),
        "upload",
        len + " floats");
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    Objects.checkFromIndexSize(dstOffset, len, dst.length);
    ClBuffer s = ops.range(src, "src", srcOffset, len);
    cl.ensureHealthy("download");
    if (len == 0) {
      cl.finish("download");
      return;
    }
    cl.check(
        clEnqueueReadBuffer(
            cl.queue(),
            s.mem(),
            CL_TRUE,
            srcOffset * Sizeof.cl_float,
            (long) len * Sizeof.cl_float,
            Pointer.to(dst).withByteOffset((long) dstOffset * Sizeof.cl_float),
            0,
            null,
            null),
        "download",
        len + " floats");
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    ClBuffer s = ops.range(src, "src", srcOffset, len);
    ClBuffer d = ops.range(dst, "dst", dstOffset, len);
    if (len == 0) return;
    cl.ensureHealthy("copy");
    cl.check(
        clEnqueueCopyBuffer(
            cl.queue(),
            s.mem(),
            d.mem(),
            srcOffset * Sizeof.cl_float,
            dstOffset * Sizeof.cl_float,
            len * Sizeof.cl_float,
            0,
            null,
            null),
        "copy",
        len + " floats");
  }

  @Override
  public void fill(DeviceBuffer buf, long offset, long len, float value) {
    ClBuffer b = ops.range(buf, "buf", offset, len);
    ops.kernel("memory.cl", "fill").launch1d(len, b, offset, len, value);
  }
}
