package org.cnn4j.backend.opencl;

/**
 * How a long summation is cut into slices when there are too few outputs to keep the device busy (a
 * bias gradient has a handful of sums over a whole batch; a weight gradient GEMM has a few tiles
 * over a long k). Each slice of {@code chunk} terms is summed by its own work item and the partial
 * sums are folded in a second pass.
 *
 * @param slices how many partial sums per output (1: no second pass)
 * @param chunk terms per slice
 */
record SlicePlan(int slices, int chunk) {
  /** Slices shorter than this are not worth a second pass. */
  static final int MIN_CHUNK = 128;

  static final int MAX_SLICES = 512;

  /**
   * @param outputs independent sums (or GEMM tiles) already available as parallel work
   * @param length terms per sum
   * @param busyItems work items that keep the device busy
   */
  static SlicePlan of(long outputs, int length, long busyItems) {
    long wanted = WorkSizes.ceilDiv(busyItems, Math.max(1, outputs));
    long allowed = Math.min(MAX_SLICES, length / MIN_CHUNK);
    int slices = (int) Math.max(1, Math.min(wanted, allowed));
    int chunk = (int) WorkSizes.ceilDiv(Math.max(length, 1), slices);
    return new SlicePlan((int) WorkSizes.ceilDiv(Math.max(length, 1), chunk), chunk);
  }

  /**
   * As many slices as {@link #MIN_CHUNK} and {@link #MAX_SLICES} allow, for a summation fused into
   * an element-wise pass: the pass must spread its whole input over the device, not just create
   * enough work items (on a CPU device each work group runs on one thread, and a few long-running
   * groups would leave cores idle).
   */
  static SlicePlan finest(int length) {
    return of(1, length, Long.MAX_VALUE);
  }

  boolean split() {
    return slices > 1;
  }
}
