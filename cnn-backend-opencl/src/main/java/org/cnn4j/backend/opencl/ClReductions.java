package org.cnn4j.backend.opencl;

import org.cnn4j.spi.ArgReduceGeometry;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.ReduceBlocks;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.ReducePasses;
import org.cnn4j.spi.ReductionOps;
import org.cnn4j.spi.SlicePlan;

/**
 * reduce.cl's reductions and broadcasts, softmax and the losses. A sum with too few outputs to fill
 * the device is cut into slices ({@link WorkSizes#slices}) whose partial results a second launch
 * folds; the planning of passes and slices is cnn-api's ({@link ReducePasses}, {@link
 * ArgReduceGeometry}, {@link SlicePlan}).
 */
final class ClReductions implements ReductionOps {
  private static final String REDUCE = "reduce.cl";

  private final ClOps ops;

  ClReductions(ClOps ops) {
    this.ops = ops;
  }

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    ClBuffer cx = ops.range(x, "x", 0, (long) outer * mid * inner);
    ClBuffer co = ops.range(out, "out", 0, (long) outer * inner);
    sumMiddle(cx, outer, mid, inner, scale, co);
  }

  /**
   * out[o, i] = scale * sum_m x[o, m, i], sliced when there are too few sums to fill the device.
   */
  void sumMiddle(ClBuffer x, int outer, int mid, int inner, float scale, ClBuffer out) {
    long outputs = (long) outer * inner;
    if (outputs == 0) return;
    ClKernel reduce = ops.kernel(REDUCE, "reduce_middle");
    SlicePlan plan = ops.slices(outputs, mid, reduce);
    if (!plan.split()) {
      reduce.launch3d(outputs, 1, 1, x, outer, mid, inner, Math.max(mid, 1), 1, scale, out);
      return;
    }
    try (var lease = ops.scratch.lease(ClScratch.Slot.REDUCE_PARTIAL, outputs * plan.slices())) {
      ClBuffer partial = lease.buffer();
      reduce.launch3d(
          outputs,
          plan.slices(),
          1,
          x,
          outer,
          mid,
          inner,
          plan.chunk(),
          plan.slices(),
          1f,
          partial);
      reduce.launch3d(
          outputs, 1, 1, partial, outer, plan.slices(), inner, plan.slices(), 1, scale, out);
    }
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    long total = (long) outer * mid * inner;
    ops.kernel(REDUCE, "broadcast_middle")
        .launch1d(
            total,
            ops.range(src, "src", 0, (long) outer * inner),
            outer,
            mid,
            inner,
            scale,
            beta,
            ops.range(y, "y", 0, total));
  }

  /**
   * One pass of reduce_axis per reduced block ({@link ReducePasses}) through two scratch slots;
   * ARGMAX and ARGMIN count positions across every reduced block, so they take one pass of
   * arg_reduce ({@link #argReduce}).
   */
  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    ReduceBlocks merged = ReduceBlocks.of(shape, axes);
    ClBuffer cx = ops.range(x, "x", 0, merged.size());
    ClBuffer co = ops.range(out, "out", 0, merged.keptSize());
    merged.checkInt32(ClOps.NAME);
    if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
      argReduce(op, cx, ArgReduceGeometry.of(ClOps.NAME, op, shape, merged), co);
      return;
    }
    ReducePasses plan = ReducePasses.of(merged);
    long scratch = plan.scratchLength();
    int buffers = plan.scratchBuffers();
    try (var first = buffers > 0 ? ops.scratch.lease(ClScratch.Slot.AXES_FIRST, scratch) : null;
        var second = buffers > 1 ? ops.scratch.lease(ClScratch.Slot.AXES_SECOND, scratch) : null) {
      plan.run(
          cx,
          first == null ? null : first.buffer(),
          second == null ? null : second.buffer(),
          co,
          scale,
          (src, pass, passScale, dst) ->
              reduceAxis(op, src, pass.outer(), pass.mid(), pass.inner(), passScale, dst));
    }
  }

  /**
   * ARGMAX/ARGMIN with reduce.cl's arg_reduce over every reduced block at once; when there are too
   * few outputs to fill the device the reduced positions are cut into slices whose winners
   * arg_combine folds in order.
   */
  private void argReduce(ReduceOp op, ClBuffer x, ArgReduceGeometry g, ClBuffer out) {
    int outputs = g.outputs();
    ClKernel kernel = ops.kernel(REDUCE, "arg_reduce");
    SlicePlan plan = ops.slices(outputs, g.length(), kernel);
    int code = op.ordinal();
    int[] geometry = g.geometry();
    long[] kept = g.keptStrides();
    long[] reduced = g.reducedStrides();
    if (!plan.split()) {
      // One slice: the kernel writes positions straight to out and never its best argument.
      kernel.launch3d(
          outputs, 1, 1, code, x, geometry, kept, reduced, outputs, g.length(), 1, out, out);
      return;
    }
    long partials = (long) outputs * plan.slices();
    try (var values = ops.scratch.lease(ClScratch.Slot.ARG_VALUES, partials);
        var positions = ops.scratch.lease(ClScratch.Slot.ARG_POSITIONS, partials)) {
      kernel.launch3d(
          outputs,
          plan.slices(),
          1,
          code,
          x,
          geometry,
          kept,
          reduced,
          outputs,
          plan.chunk(),
          plan.slices(),
          values.buffer(),
          positions.buffer());
      ops.kernel(REDUCE, "arg_combine")
          .launch1d(
              outputs, code, values.buffer(), positions.buffer(), outputs, plan.slices(), out);
    }
  }

  /**
   * out[o, i] = scale * op over m of x[o, m, i], sliced as {@link #sumMiddle} when there are too
   * few outputs to fill the device.
   */
  private void reduceAxis(
      ReduceOp op, ClBuffer x, int outer, int mid, int inner, float scale, ClBuffer out) {
    long outputs = (long) outer * inner;
    if (outputs == 0) return;
    ClKernel kernel = ops.kernel(REDUCE, "reduce_axis");
    SlicePlan plan = ops.slices(outputs, mid, kernel);
    int code = op.ordinal();
    if (!plan.split()) {
      kernel.launch3d(outputs, 1, 1, code, x, outer, mid, inner, Math.max(mid, 1), 1, scale, out);
      return;
    }
    try (var lease = ops.scratch.lease(ClScratch.Slot.AXIS_PARTIAL, outputs * plan.slices())) {
      ClBuffer partial = lease.buffer();
      kernel.launch3d(
          outputs,
          plan.slices(),
          1,
          code,
          x,
          outer,
          mid,
          inner,
          plan.chunk(),
          plan.slices(),
          1f,
          partial);
      kernel.launch3d(
          outputs, 1, 1, code, partial, outer, plan.slices(), inner, plan.slices(), 1, scale, out);
    }
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    long total = (long) rows * cols;
    ops.kernel(REDUCE, "softmax")
        .launch1d(rows, ops.range(x, "x", 0, total), ops.range(y, "y", 0, total), rows, cols);
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    long total = (long) rows * cols;
    ops.kernel(REDUCE, "softmax_backward")
        .launch1d(
            rows,
            ops.range(y, "y", 0, total),
            ops.range(dy, "dy", 0, total),
            ops.range(dx, "dx", 0, total),
            rows,
            cols);
  }

  @Override
  public void loss(
      LossKind kind,
      DeviceBuffer pred,
      DeviceBuffer target,
      int rows,
      int cols,
      DeviceBuffer lossPerRow,
      DeviceBuffer grad,
      float gradScale) {
    long total = (long) rows * cols;
    ClBuffer p = ops.range(pred, "pred", 0, total);
    ClBuffer t = ops.range(target, "target", 0, kind.sparseTargets() ? rows : total);
    ClBuffer l = ops.range(lossPerRow, "lossPerRow", 0, rows);
    // Without a gradient the kernel never touches its grad argument; pred stands in for it.
    ClBuffer g = grad == null ? p : ops.range(grad, "grad", 0, total);
    ops.kernel(REDUCE, "loss")
        .launch1d(rows, kind.ordinal(), p, t, rows, cols, l, g, grad != null, gradScale);
  }
}
