package org.cnn4j.backend.cuda;

import org.cnn4j.spi.ArgReduceGeometry;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.ReduceBlocks;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.ReducePasses;
import org.cnn4j.spi.ReductionOps;
import org.cnn4j.spi.SlicePlan;

/**
 * reduce.cu's reductions and broadcasts, softmax and the losses. A sum over the middle axis runs in
 * blocks of columns by rows ({@link Grid}); when there are too few blocks to fill the GPU the
 * middle axis is cut into slices whose partial results a second launch folds. The planning of
 * passes and slices is cnn-api's ({@link ReducePasses}, {@link ArgReduceGeometry}, {@link
 * SlicePlan}).
 */
final class CuReductions implements ReductionOps {
  /** The most slices a sum or arg-reduction is cut into. */
  private static final int MAX_SLICES = 1024;

  /** Reduced positions below which a slice of arg_reduce is not worth a second pass. */
  private static final int ARG_MIN_CHUNK = 128;

  private final CuOps ops;

  CuReductions(CuOps ops) {
    this.ops = ops;
  }

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    if (outer < 0 || mid < 0 || inner < 0) {
      throw new IllegalArgumentException(
          "reduceMiddle sizes must be >= 0: " + outer + ", " + mid + ", " + inner);
    }
    CuBuffer cx = ops.range(x, "x", 0, (long) outer * mid * inner);
    CuBuffer co = ops.range(out, "out", 0, (long) outer * inner);
    if ((long) outer * inner == 0) return;
    sumMiddle(cx, outer, mid, inner, scale, co);
  }

  /**
   * A launch of reduce_middle or reduce_axis over {@code [outer, mid, inner]}: blocks of {@code tx}
   * (32, or fewer for narrow rows) columns by {@code ty = 256 / tx} rows, {@code blocks} of them;
   * the middle axis sliced when there are fewer than four blocks per SM and it is long enough.
   */
  private record Grid(int tx, int ty, long blocks, SlicePlan plan) {}

  private Grid grid(int outer, int mid, int inner) {
    int tx = 1;
    while (tx < inner && tx < 32) tx <<= 1;
    int ty = CuOps.BLOCK / tx;
    long blocks = outer * OwnGemm.ceilDiv(inner, tx);
    int target = 4 * ops.multiprocessors();
    return new Grid(tx, ty, blocks, SlicePlan.of(blocks, mid, target, 2 * ty, MAX_SLICES));
  }

  /**
   * out[o, i] = scale * sum_m x[o, m, i] with reduce.cu's reduce_middle, the partials of a sliced
   * sum folded by a second sum.
   */
  void sumMiddle(CuBuffer x, int outer, int mid, int inner, float scale, CuBuffer out) {
    Grid g = grid(outer, mid, inner);
    SlicePlan plan = g.plan();
    if (!plan.split()) {
      ops.module.launch(
          "reduce_middle",
          g.blocks(),
          1,
          1,
          g.tx(),
          g.ty(),
          0,
          x.at(0),
          outer,
          mid,
          inner,
          plan.chunk(),
          1,
          scale,
          out.at(0));
      return;
    }
    try (CuBuffer partial = ops.scratch((long) outer * plan.slices() * inner)) {
      ops.module.launch(
          "reduce_middle",
          g.blocks(),
          plan.slices(),
          1,
          g.tx(),
          g.ty(),
          0,
          x.at(0),
          outer,
          mid,
          inner,
          plan.chunk(),
          plan.slices(),
          1f,
          partial.at(0));
      sumMiddle(partial, outer, plan.slices(), inner, scale, out);
    }
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    long total = (long) outer * mid * inner;
    CuBuffer cs = ops.range(src, "src", 0, (long) outer * inner);
    CuBuffer cy = ops.range(y, "y", 0, total);
    ops.launch1d("broadcast_middle", total, cs.at(0), mid, inner, scale, beta, cy.at(0), total);
  }

  /**
   * One pass of reduce_axis per reduced block ({@link ReducePasses}) through scratch memory; ARGMAX
   * and ARGMIN count positions across every reduced block, so they take one pass of arg_reduce
   * ({@link #argReduce}).
   */
  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    ReduceBlocks merged = ReduceBlocks.of(shape, axes);
    CuBuffer cx = ops.range(x, "x", 0, merged.size());
    CuBuffer co = ops.range(out, "out", 0, merged.keptSize());
    merged.checkInt32(CuOps.NAME);
    if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
      argReduce(op, cx, ArgReduceGeometry.of(CuOps.NAME, op, shape, merged), co);
      return;
    }
    ReducePasses plan = ReducePasses.of(merged);
    int buffers = plan.scratchBuffers();
    try (CuBuffer first = buffers > 0 ? ops.scratch(plan.scratchLength()) : null;
        CuBuffer second = buffers > 1 ? ops.scratch(plan.scratchLength()) : null) {
      plan.run(
          cx,
          first,
          second,
          co,
          scale,
          (src, pass, passScale, dst) ->
              reduceAxis(op, src, pass.outer(), pass.mid(), pass.inner(), passScale, dst));
    }
  }

  /**
   * ARGMAX/ARGMIN with reduce.cu's arg_reduce over every reduced block at once; when there are too
   * few outputs to fill the GPU the reduced positions are cut into slices whose winners arg_combine
   * folds in order.
   */
  private void argReduce(ReduceOp op, CuBuffer x, ArgReduceGeometry g, CuBuffer out) {
    int outputs = g.outputs();
    long wanted = 4L * ops.multiprocessors() * CuOps.BLOCK;
    SlicePlan plan = SlicePlan.of(outputs, g.length(), wanted, ARG_MIN_CHUNK, MAX_SLICES);
    int code = op.ordinal();
    if (!plan.split()) {
      // One slice: the kernel writes positions straight to out and never its best argument.
      ops.launch1d(
          "arg_reduce",
          outputs,
          code,
          x.at(0),
          g.geometry(),
          g.keptStrides(),
          g.reducedStrides(),
          outputs,
          g.length(),
          1,
          out.at(0),
          out.at(0));
      return;
    }
    long partials = (long) outputs * plan.slices();
    try (CuBuffer values = ops.scratch(partials);
        CuBuffer positions = ops.scratch(partials)) {
      ops.launch1d(
          "arg_reduce",
          partials,
          code,
          x.at(0),
          g.geometry(),
          g.keptStrides(),
          g.reducedStrides(),
          outputs,
          plan.chunk(),
          plan.slices(),
          values.at(0),
          positions.at(0));
      ops.launch1d(
          "arg_combine",
          outputs,
          code,
          values.at(0),
          positions.at(0),
          outputs,
          plan.slices(),
          out.at(0));
    }
  }

  /**
   * out[o, i] = scale * op over m of x[o, m, i] with reduce.cu's reduce_axis, blocked and sliced as
   * {@link #sumMiddle}.
   */
  private void reduceAxis(
      ReduceOp op, CuBuffer x, int outer, int mid, int inner, float scale, CuBuffer out) {
    Grid g = grid(outer, mid, inner);
    SlicePlan plan = g.plan();
    if (!plan.split()) {
      ops.module.launch(
          "reduce_axis",
          g.blocks(),
          1,
          1,
          g.tx(),
          g.ty(),
          0,
          op.ordinal(),
          x.at(0),
          outer,
          mid,
          inner,
          plan.chunk(),
          1,
          scale,
          out.at(0));
      return;
    }
    try (CuBuffer partial = ops.scratch((long) outer * plan.slices() * inner)) {
      ops.module.launch(
          "reduce_axis",
          g.blocks(),
          plan.slices(),
          1,
          g.tx(),
          g.ty(),
          0,
          op.ordinal(),
          x.at(0),
          outer,
          mid,
          inner,
          plan.chunk(),
          plan.slices(),
          1f,
          partial.at(0));
      reduceAxis(op, partial, outer, plan.slices(), inner, scale, out);
    }
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    long total = (long) rows * cols;
    ops.launchRows(
        "softmax",
        rows,
        ops.range(x, "x", 0, total).at(0),
        ops.range(y, "y", 0, total).at(0),
        rows,
        cols);
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    long total = (long) rows * cols;
    ops.launchRows(
        "softmax_backward",
        rows,
        ops.range(y, "y", 0, total).at(0),
        ops.range(dy, "dy", 0, total).at(0),
        ops.range(dx, "dx", 0, total).at(0),
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
    CuBuffer p = ops.range(pred, "pred", 0, total);
    CuBuffer t = ops.range(target, "target", 0, kind.sparseTargets() ? rows : total);
    CuBuffer l = ops.range(lossPerRow, "lossPerRow", 0, rows);
    // Without a gradient the kernel never touches its grad argument; pred stands in for it.
    CuBuffer g = grad == null ? p : ops.range(grad, "grad", 0, total);
    ops.launchRows(
        "loss",
        rows,
        kind.ordinal(),
        p.at(0),
        t.at(0),
        rows,
        cols,
        l.at(0),
        g.at(0),
        grad != null,
        gradScale);
  }
}
