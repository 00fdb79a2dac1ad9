package org.cnn4j.backend.cuda;

import org.cnn4j.spi.BatchNormOps;
import org.cnn4j.spi.CheckedLayerNorm;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.SlicePlan;

/**
 * batchnorm.cu and layernorm.cu: batch normalisation's statistics, apply and backward, and layer
 * normalisation forward and backward. Column sums over the rows run in 32-column tiles with the
 * rows cut into slices ({@link #columnPlan}), folded by {@link CuReductions#sumMiddle}.
 */
final class CuNormalization extends CheckedLayerNorm<CuBuffer> implements BatchNormOps {
  private final CuOps ops;
  private final CuReductions reductions;

  CuNormalization(CuOps ops, CuReductions reductions) {
    this.ops = ops;
    this.reductions = reductions;
  }

  /** Column sums over rows: 32-column tiles, rows split into slices to fill the GPU. */
  private record ColumnPlan(long tiles, SlicePlan slices) {}

  private ColumnPlan columnPlan(int rows, int cols) {
    long tiles = OwnGemm.ceilDiv(cols, 32);
    return new ColumnPlan(tiles, SlicePlan.of(tiles, rows, 4L * ops.multiprocessors(), 64, 1024));
  }

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    CuBuffer cx = ops.range(x, "x", 0, (long) rows * cols);
    CuBuffer cm = ops.range(mean, "mean", 0, cols);
    CuBuffer cv = ops.range(variance, "variance", 0, cols);
    if (cols == 0) return;
    reductions.sumMiddle(cx, 1, rows, cols, 1f / rows, cm);
    ColumnPlan plan = columnPlan(rows, cols);
    int slices = plan.slices().slices();
    try (CuBuffer partial = ops.scratch((long) slices * cols)) {
      ops.module.launch(
          "bn_square_deviation",
          plan.tiles(),
          slices,
          1,
          32,
          8,
          0,
          cx.at(0),
          rows,
          cols,
          plan.slices().chunk(),
          cm.at(0),
          partial.at(0));
      reductions.sumMiddle(partial, 1, slices, cols, 1f / rows, cv);
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
    ops.launch1d(
        "bn_apply",
        total,
        ops.range(x, "x", 0, total).at(0),
        cols,
        ops.range(mean, "mean", 0, cols).at(0),
        ops.range(variance, "variance", 0, cols).at(0),
        ops.range(gamma, "gamma", 0, cols).at(0),
        ops.range(beta, "beta", 0, cols).at(0),
        eps,
        ops.range(y, "y", 0, total).at(0),
        total);
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
    // The kernels take element addresses; the two gradients are also summed into as buffers.
    CuModule.Arg.Ptr px = ops.range(x, "x", 0, total).at(0);
    CuModule.Arg.Ptr pdy = ops.range(dy, "dy", 0, total).at(0);
    CuModule.Arg.Ptr pm = ops.range(mean, "mean", 0, cols).at(0);
    CuModule.Arg.Ptr pv = ops.range(variance, "variance", 0, cols).at(0);
    CuModule.Arg.Ptr pg = ops.range(gamma, "gamma", 0, cols).at(0);
    CuModule.Arg.Ptr pdx = ops.range(dx, "dx", 0, total).at(0);
    CuBuffer cdGamma = ops.range(dGamma, "dGamma", 0, cols);
    CuBuffer cdBeta = ops.range(dBeta, "dBeta", 0, cols);
    if (cols == 0) return;
    ColumnPlan plan = columnPlan(rows, cols);
    int slices = plan.slices().slices();
    try (CuBuffer sumDy = ops.scratch((long) slices * cols);
        CuBuffer sumDyXhat = ops.scratch((long) slices * cols)) {
      ops.module.launch(
          "bn_backward_sums",
          plan.tiles(),
          slices,
          1,
          32,
          8,
          0,
          px,
          pdy,
          rows,
          cols,
          plan.slices().chunk(),
          pm,
          pv,
          eps,
          sumDy.at(0),
          sumDyXhat.at(0));
      reductions.sumMiddle(sumDy, 1, slices, cols, 1f, cdBeta);
      reductions.sumMiddle(sumDyXhat, 1, slices, cols, 1f, cdGamma);
    }
    ops.launch1d(
        "bn_backward_dx",
        total,
        px,
        pdy,
        rows,
        cols,
        pm,
        pv,
        pg,
        eps,
        cdGamma.at(0),
        cdBeta.at(0),
        pdx,
        total);
  }

  @Override
  protected CuBuffer own(DeviceBuffer buffer, String name) {
    return ops.allocator.own(buffer, name);
  }

  @Override
  protected void forward(
      CuBuffer x,
      int rows,
      int cols,
      CuBuffer gamma,
      boolean hasGamma,
      CuBuffer beta,
      boolean hasBeta,
      float eps,
      CuBuffer y,
      CuBuffer mean,
      CuBuffer rstd) {
    ops.launchRows(
        "layer_norm_forward",
        rows,
        x.at(0),
        rows,
        cols,
        gamma.at(0),
        beta.at(0),
        hasGamma,
        hasBeta,
        eps,
        y.at(0),
        mean.at(0),
        rstd.at(0));
  }

  /**
   * The parameter gradients as column sums in slices (folded by {@link CuReductions#sumMiddle}),
   * then dx with one warp per row.
   */
  @Override
  protected void backward(
      CuBuffer x,
      CuBuffer dy,
      int rows,
      int cols,
      CuBuffer mean,
      CuBuffer rstd,
      CuBuffer gamma,
      boolean hasGamma,
      CuBuffer dx,
      CuBuffer dGamma,
      CuBuffer dBeta) {
    if (dGamma != null || dBeta != null) {
      ColumnPlan plan = columnPlan(rows, cols);
      int slices = plan.slices().slices();
      try (CuBuffer sumDyXhat = ops.scratch((long) slices * cols);
          CuBuffer sumDy = ops.scratch((long) slices * cols)) {
        ops.module.launch(
            "layer_norm_param_sums",
            plan.tiles(),
            slices,
            1,
            32,
            8,
            0,
            x.at(0),
            dy.at(0),
            rows,
            cols,
            plan.slices().chunk(),
            mean.at(0),
            rstd.at(0),
            sumDyXhat.at(0),
            sumDy.at(0));
        if (dGamma != null) reductions.sumMiddle(sumDyXhat, 1, slices, cols, 1f, dGamma);
        if (dBeta != null) reductions.sumMiddle(sumDy, 1, slices, cols, 1f, dBeta);
      }
    }
    ops.launchRows(
        "layer_norm_backward",
        rows,
        x.at(0),
        dy.at(0),
        rows,
        cols,
        mean.at(0),
        rstd.at(0),
        gamma.at(0),
        hasGamma,
        dx.at(0));
  }
}
