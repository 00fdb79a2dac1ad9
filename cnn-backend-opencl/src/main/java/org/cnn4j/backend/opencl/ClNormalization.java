package org.cnn4j.backend.opencl;

import org.cnn4j.spi.BatchNormOps;
import org.cnn4j.spi.CheckedLayerNorm;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.SlicePlan;

/**
 * batchnorm.cl and layernorm.cl: batch normalisation's statistics, apply and backward, and layer
 * normalisation forward and backward. Column sums over the rows go through sliced partial sums that
 * {@link ClReductions#sumMiddle} folds.
 */
final class ClNormalization extends CheckedLayerNorm<ClBuffer> implements BatchNormOps {
  private static final String BATCHNORM = "batchnorm.cl";
  private static final String LAYERNORM = "layernorm.cl";

  private final ClOps ops;
  private final ClReductions reductions;

  ClNormalization(ClOps ops, ClReductions reductions) {
    this.ops = ops;
    this.reductions = reductions;
  }

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    ClBuffer cx = ops.range(x, "x", 0, (long) rows * cols);
    ClBuffer cm = ops.range(mean, "mean", 0, cols);
    ClBuffer cv = ops.range(variance, "variance", 0, cols);
    if (cols == 0) return;
    reductions.sumMiddle(cx, 1, rows, cols, 1f / rows, cm);
    // Two passes (mean, then squared deviations) rather than E[x^2] - E[x]^2, which cancels.
    ClKernel deviations = ops.kernel(BATCHNORM, "bn_square_deviation");
    SlicePlan plan = ops.slices(cols, rows, deviations);
    try (var lease = ops.scratch.lease(ClScratch.Slot.BN_FIRST, (long) plan.slices() * cols)) {
      ClBuffer partial = lease.buffer();
      deviations.launch3d(
          cols, plan.slices(), 1, cx, rows, cols, plan.chunk(), plan.slices(), cm, partial);
      reductions.sumMiddle(partial, 1, plan.slices(), cols, 1f / rows, cv);
    }
  }

  @Override
  public void batchNormApply(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer variance,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer y) {
    long total = (long) rows * cols;
    ops.kernel(BATCHNORM, "bn_apply")
        .launch1d(
            total,
            ops.range(x, "x", 0, total),
            rows,
            cols,
            ops.range(mean, "mean", 0, cols),
            ops.range(variance, "variance", 0, cols),
            ops.range(gamma, "gamma", 0, cols),
            ops.range(beta, "beta", 0, cols),
            eps,
            ops.range(y, "y", 0, total));
  }

  @Override
  public void batchNormBackward(
      DeviceBuffer x,
      DeviceBuffer dy,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer variance,
      DeviceBuffer gamma,
      float eps,
      DeviceBuffer dx,
      DeviceBuffer dGamma,
      DeviceBuffer dBeta) {
    long total = (long) rows * cols;
    ClBuffer cx = ops.range(x, "x", 0, total);
    ClBuffer cdy = ops.range(dy, "dy", 0, total);
    ClBuffer cm = ops.range(mean, "mean", 0, cols);
    ClBuffer cv = ops.range(variance, "variance", 0, cols);
    ClBuffer cg = ops.range(gamma, "gamma", 0, cols);
    ClBuffer cdx = ops.range(dx, "dx", 0, total);
    ClBuffer cdGamma = ops.range(dGamma, "dGamma", 0, cols);
    ClBuffer cdBeta = ops.range(dBeta, "dBeta", 0, cols);
    if (cols == 0) return;
    ClKernel sums = ops.kernel(BATCHNORM, "bn_backward_sums");
    SlicePlan plan = ops.slices(cols, rows, sums);
    long partials = (long) plan.slices() * cols;
    try (var first = ops.scratch.lease(ClScratch.Slot.BN_FIRST, partials);
        var second = ops.scratch.lease(ClScratch.Slot.BN_SECOND, partials)) {
      ClBuffer sumDy = first.buffer();
      ClBuffer sumDyXhat = second.buffer();
      sums.launch3d(
          cols,
          plan.slices(),
          1,
          cx,
          cdy,
          rows,
          cols,
          plan.chunk(),
          plan.slices(),
          cm,
          cv,
          eps,
          sumDy,
          sumDyXhat);
      reductions.sumMiddle(sumDy, 1, plan.slices(), cols, 1f, cdBeta);
      reductions.sumMiddle(sumDyXhat, 1, plan.slices(), cols, 1f, cdGamma);
    }
    ops.kernel(BATCHNORM, "bn_backward_dx")
        .launch1d(total, cx, cdy, rows, cols, cm, cv, cg, eps, cdGamma, cdBeta, cdx);
  }

  @Override
  protected ClBuffer own(DeviceBuffer buffer, String name) {
    return ops.allocator.own(buffer, name);
  }

  @Override
  protected void forward(
      ClBuffer x,
      int rows,
      int cols,
      ClBuffer gamma,
      boolean hasGamma,
      ClBuffer beta,
      boolean hasBeta,
      float eps,
      ClBuffer y,
      ClBuffer mean,
      ClBuffer rstd) {
    ClKernel kernel = ops.kernel(LAYERNORM, "layer_norm_forward");
    kernel.launch(
        rowGroups(kernel, rows, cols), x, cols, gamma, beta, hasGamma, hasBeta, eps, y, mean, rstd);
  }

  /**
   * The parameter gradients as column sums in slices (folded by {@link ClReductions#sumMiddle}),
   * then dx with one work group per row.
   */
  @Override
  protected void backward(
      ClBuffer x,
      ClBuffer dy,
      int rows,
      int cols,
      ClBuffer mean,
      ClBuffer rstd,
      ClBuffer gamma,
      boolean hasGamma,
      ClBuffer dx,
      ClBuffer dGamma,
      ClBuffer dBeta) {
    if (dGamma != null || dBeta != null) {
      ClKernel sums = ops.kernel(LAYERNORM, "layer_norm_param_sums");
      SlicePlan plan = ops.slices(cols, rows, sums);
      long partials = (long) plan.slices() * cols;
      try (var first = ops.scratch.lease(ClScratch.Slot.LN_GAMMA, partials);
          var second = ops.scratch.lease(ClScratch.Slot.LN_BETA, partials)) {
        sums.launch3d(
            cols,
            plan.slices(),
            1,
            x,
            dy,
            rows,
            cols,
            plan.chunk(),
            plan.slices(),
            mean,
            rstd,
            first.buffer(),
            second.buffer());
        if (dGamma != null) {
          reductions.sumMiddle(first.buffer(), 1, plan.slices(), cols, 1f, dGamma);
        }
        if (dBeta != null) {
          reductions.sumMiddle(second.buffer(), 1, plan.slices(), cols, 1f, dBeta);
        }
      }
    }
    if (rows <= 0) return;
    ClKernel kernel = ops.kernel(LAYERNORM, "layer_norm_backward");
    kernel.launch(rowGroups(kernel, rows, cols), x, dy, cols, mean, rstd, gamma, hasGamma, dx);
  }

  /**
   * One work group per row: a power of two up to 256 work items on a GPU; on a CPU device at most
   * the kernel's preferred multiple (its vector width), since each group runs on one core anyway.
   */
  private WorkSizes.Range rowGroups(ClKernel kernel, int rows, int cols) {
    ClDevice device = ops.device();
    long limit =
        Math.min(
            WorkSizes.MAX_GROUP, Math.min(kernel.maxWorkGroupSize(), device.maxWorkGroupSize()));
    if (!device.gpu()) limit = Math.min(limit, kernel.preferredMultiple());
    long local = 1;
    while (local * 2 <= limit && local < cols) local *= 2;
    return new WorkSizes.Range(new long[] {rows * local}, new long[] {local});
  }
}
