package org.cnn4j.backend.opencl;

import java.util.Arrays;
import org.cnn4j.spi.SlicePlan;

/**
 * Chooses global and local work sizes from what the device and kernel report (work-group limit,
 * preferred multiple, compute units) rather than constants tuned for one device: work groups as
 * large as allowed up to {@link #MAX_GROUP}, shrunk while there are too few groups to give every
 * compute unit {@link #GROUPS_PER_UNIT} of them ({@link #CPU_GROUPS_PER_UNIT} on CPU devices).
 * Global sizes are rounded up to whole groups (OpenCL 1.2 requires it), so kernels check their
 * bounds.
 */
final class WorkSizes {
  /** Larger groups buy nothing on GPUs for these memory-bound kernels and delay CPU scheduling. */
  static final long MAX_GROUP = 256;

  static final int GROUPS_PER_UNIT = 2;

  /**
   * On a CPU device (PoCL) each work group is one task for a worker thread: many small groups
   * balance the cores, including when other processes hold some of them, at a cost of about a
   * microsecond each. Measured on a 2-core VM: the weight-gradient GEMM of a 15x15x32 -> 64
   * convolution went from 12-18 to 8 CPU ms per call with 16 groups per unit instead of 2.
   */
  static final int CPU_GROUPS_PER_UNIT = 16;

  /** A global and local size for clEnqueueNDRangeKernel. */
  record Range(long[] global, long[] local) {
    @Override
    public String toString() {
      return "global " + Arrays.toString(global) + ", local " + Arrays.toString(local);
    }
  }

  private WorkSizes() {}

  /** Work items that keep every compute unit busy with a few full groups. */
  static long busyItems(ClKernel kernel, ClDevice device) {
    return 2L * groupsWanted(device) * Math.min(MAX_GROUP, Math.max(kernel.preferredMultiple(), 8));
  }

  /**
   * Slices shorter than this are not worth a second pass ({@link #slices}): a bias gradient has a
   * handful of sums over a whole batch, a weight-gradient GEMM a few tiles over a long k.
   */
  static final int MIN_CHUNK = 128;

  /** The most partial results per output a second pass folds. */
  static final int MAX_SLICES = 512;

  /**
   * How a summation of {@code length} terms per output is cut into slices when {@code outputs}
   * (independent sums or GEMM tiles) are too few to keep the device busy with {@code kernel}.
   */
  static SlicePlan slices(long outputs, int length, ClKernel kernel, ClDevice device) {
    return SlicePlan.of(outputs, length, busyItems(kernel, device), MIN_CHUNK, MAX_SLICES);
  }

  /**
   * As many slices as {@link #MIN_CHUNK} and {@link #MAX_SLICES} allow, for a summation fused into
   * an element-wise pass: the pass must spread its whole input over the device, not just create
   * enough work items (on a CPU device each work group runs on one thread, and a few long-running
   * groups would leave cores idle).
   */
  static SlicePlan finestSlices(int length) {
    return SlicePlan.of(1, length, Long.MAX_VALUE, MIN_CHUNK, MAX_SLICES);
  }

  static Range linear(ClKernel kernel, ClDevice device, long n) {
    long budget = groupBudget(kernel, device);
    long minimum = minimumGroup(kernel, budget);
    long local = budget;
    while (local > minimum && ceilDiv(n, local) < groupsWanted(device)) {
      local /= 2;
    }
    return new Range(new long[] {roundUp(n, local)}, new long[] {local});
  }

  static Range grid(ClKernel kernel, ClDevice device, long nx, long ny, long nz) {
    long budget = groupBudget(kernel, device);
    long minimum = minimumGroup(kernel, budget);
    long lx = Math.min(powerOfTwoCeil(nx), budget);
    long ly = Math.min(powerOfTwoCeil(ny), Math.max(1, budget / lx));
    long wanted = groupsWanted(device);
    while (lx * ly > minimum && ceilDiv(nx, lx) * ceilDiv(ny, ly) * nz < wanted) {
      if (ly >= lx && ly > 1) ly /= 2;
      else lx /= 2;
    }
    return new Range(new long[] {roundUp(nx, lx), roundUp(ny, ly), nz}, new long[] {lx, ly, 1});
  }

  /** Work groups that keep every compute unit busy. */
  static long groupsWanted(ClDevice device) {
    return (long) (device.gpu() ? GROUPS_PER_UNIT : CPU_GROUPS_PER_UNIT) * device.computeUnits();
  }

  /** The largest power of two allowed for this kernel on this device, at most MAX_GROUP. */
  private static long groupBudget(ClKernel kernel, ClDevice device) {
    long limit =
        Math.min(MAX_GROUP, Math.min(kernel.maxWorkGroupSize(), device.maxWorkGroupSize()));
    return Long.highestOneBit(Math.max(1, limit));
  }

  /** Groups are not shrunk below the preferred multiple (a GPU warp / wavefront, a CPU vector). */
  private static long minimumGroup(ClKernel kernel, long budget) {
    return Math.min(budget, Long.highestOneBit(kernel.preferredMultiple()));
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static long roundUp(long a, long b) {
    return ceilDiv(a, b) * b;
  }

  private static long powerOfTwoCeil(long v) {
    return v <= 1 ? 1 : Long.highestOneBit(v - 1) << 1;
  }
}
