package org.cnn4j.backend.opencl;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.SlicePlan;

/**
 * What every op family of the OpenCL backend launches with: the device, the kernels, the scratch
 * slots, the host-side range check of each buffer, and the work shapes that depend on the device
 * kind. The families hold only their launches.
 */
final class ClOps {
  /** The backend's name in error messages. */
  static final String NAME = "OpenCL";

  /** Elements of a row one work item walks on a CPU device ({@link #runLength}). */
  private static final int CPU_RUN = 256;

  final ClContext cl;
  final ClPrograms programs;
  final ClAllocator allocator;
  final ClScratch scratch;

  ClOps(ClContext cl, ClPrograms programs, ClAllocator allocator, ClScratch scratch) {
    this.cl = cl;
    this.programs = programs;
    this.allocator = allocator;
    this.scratch = scratch;
  }

  /** The context, kernels, buffers and scratch slots of a new backend on {@code device}. */
  static ClOps open(ClDevice device) {
    ClContext cl = new ClContext(device);
    ClAllocator allocator = new ClAllocator(cl);
    return new ClOps(cl, new ClPrograms(cl), allocator, new ClScratch(allocator));
  }

  ClKernel kernel(String file, String name) {
    return programs.kernel(file, name);
  }

  ClDevice device() {
    return cl.device();
  }

  /** The buffer as ours, after checking that {@code [offset, offset + len)} lies inside it. */
  ClBuffer range(DeviceBuffer buffer, String name, long offset, long len) {
    ClBuffer b = allocator.own(buffer, name);
    Ranges.check(name, b, offset, len);
    return b;
  }

  /** Kernels that index in 32 bits (64-bit division is slow on CPUs): sizes must fit. */
  int int32(long size, String what) {
    return Ranges.int32(NAME, size, what);
  }

  /** How a summation over {@code length} terms per output is sliced for {@code kernel}. */
  SlicePlan slices(long outputs, int length, ClKernel kernel) {
    return WorkSizes.slices(outputs, length, kernel, cl.device());
  }

  /**
   * Work items across the channels of one pixel in conv.cl, pool.cl and resize.cl: one per channel
   * on a GPU, where neighbouring work items then read neighbouring addresses; one on other devices
   * (PoCL's CPU device), where a work item walking the contiguous channels computes its window once
   * for all of them instead of once per channel with integer divisions.
   */
  int channelLanes(int channels) {
    return cl.device().gpu() ? channels : 1;
  }

  /**
   * Elements of a row one work item walks in strided.cl and resize.cl: one on a GPU (neighbouring
   * work items, neighbouring addresses); on a CPU device up to {@link #CPU_RUN}, so a work item's
   * index arithmetic is paid once per run rather than per element.
   */
  int runLength(int length) {
    return cl.device().gpu() ? 1 : Math.max(1, Math.min(length, CPU_RUN));
  }
}
