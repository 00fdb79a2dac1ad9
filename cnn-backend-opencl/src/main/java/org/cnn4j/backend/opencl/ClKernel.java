package org.cnn4j.backend.opencl;

import static org.jocl.CL.CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clGetKernelWorkGroupInfo;
import static org.jocl.CL.clSetKernelArg;

import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

/**
 * One built kernel with the work-group limits the device reports for it. {@link #launch} sets the
 * arguments and enqueues atomically, since a cl_kernel's arguments are shared state.
 *
 * <p>Arguments map by Java type: {@link ClBuffer} to a cl_mem, {@link Integer} to int, {@link Long}
 * to long, {@link Float} to float, {@link Boolean} to int, an {@code int[16]} to int16 and a {@code
 * long[8]} to long8.
 */
final class ClKernel {
  private final ClContext cl;
  private final String name;
  private final cl_kernel handle;
  private final long maxWorkGroupSize;
  private final long preferredMultiple;

  ClKernel(ClContext cl, String name, cl_kernel handle) {
    this.cl = cl;
    this.name = name;
    this.handle = handle;
    long[] value = new long[1];
    cl.check(
        clGetKernelWorkGroupInfo(
            handle,
            cl.device().device(),
            CL_KERNEL_WORK_GROUP_SIZE,
            Sizeof.size_t,
            Pointer.to(value),
            null),
        "clGetKernelWorkGroupInfo",
        name);
    maxWorkGroupSize = Math.max(1, value[0]);
    cl.check(
        clGetKernelWorkGroupInfo(
            handle,
            cl.device().device(),
            CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
            Sizeof.size_t,
            Pointer.to(value),
            null),
        "clGetKernelWorkGroupInfo",
        name);
    preferredMultiple = Math.max(1, value[0]);
  }

  cl_kernel handle() {
    return handle;
  }

  long maxWorkGroupSize() {
    return maxWorkGroupSize;
  }

  long preferredMultiple() {
    return preferredMultiple;
  }

  /** Launches over {@code n} work items in one dimension. */
  void launch1d(long n, Object... args) {
    if (n > 0) launch(WorkSizes.linear(this, cl.device(), n), args);
  }

  /** Launches over an {@code nx * ny * nz} grid. */
  void launch3d(long nx, long ny, long nz, Object... args) {
    if (nx > 0 && ny > 0 && nz > 0) launch(WorkSizes.grid(this, cl.device(), nx, ny, nz), args);
  }

  synchronized void launch(WorkSizes.Range range, Object... args) {
    cl.ensureHealthy(name);
    for (int i = 0; i < args.length; i++) setArg(i, args[i]);
    long t0 = ClKernelProfile.ENABLED ? System.nanoTime() : 0;
    cl.check(
        clEnqueueNDRangeKernel(
            cl.queue(),
            handle,
            range.global().length,
            null,
            range.global(),
            range.local(),
            0,
            null,
            null),
        "enqueue " + name,
        range.toString());
    if (ClKernelProfile.ENABLED) {
      cl.finish(name);
      ClKernelProfile.add(
          name + " " + java.util.Arrays.toString(range.global()), System.nanoTime() - t0);
    }
  }

  private void setArg(int index, Object arg) {
    int status;
    if (arg instanceof ClBuffer b) {
      status = clSetKernelArg(handle, index, Sizeof.cl_mem, Pointer.to(b.mem()));
    } else if (arg instanceof Integer v) {
      status = clSetKernelArg(handle, index, Sizeof.cl_int, Pointer.to(new int[] {v}));
    } else if (arg instanceof Long v) {
      status = clSetKernelArg(handle, index, Sizeof.cl_long, Pointer.to(new long[] {v}));
    } else if (arg instanceof Float v) {
      status = clSetKernelArg(handle, index, Sizeof.cl_float, Pointer.to(new float[] {v}));
    } else if (arg instanceof Boolean v) {
      status = clSetKernelArg(handle, index, Sizeof.cl_int, Pointer.to(new int[] {v ? 1 : 0}));
    } else if (arg instanceof int[] v && v.length == 16) {
      status = clSetKernelArg(handle, index, (long) Sizeof.cl_int * 16, Pointer.to(v));
    } else if (arg instanceof long[] v && v.length == 8) {
      status = clSetKernelArg(handle, index, (long) Sizeof.cl_long * 8, Pointer.to(v));
    } else {
      throw new IllegalArgumentException(
          "kernel " + name + " argument " + index + ": unsupported " + arg);
    }
    cl.check(status, "clSetKernelArg", name + " argument " + index);
  }
}
