package org.cnn4j.backend.opencl;

import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.DropoutOps;
import org.cnn4j.spi.ElementwiseOps;
import org.cnn4j.spi.EpilogueOps;
import org.cnn4j.spi.SlicePlan;
import org.cnn4j.spi.SpiDefaults;
import org.cnn4j.spi.UnaryOp;

/**
 * elementwise.cl's activations, unary and binary ops with their gradients, the fused bias and
 * activation passes, and dropout.cl's masks: one work item per element (the fused bias gradient
 * aside), so every buffer is checked for {@code n} floats.
 */
final class ClElementwise implements ElementwiseOps, EpilogueOps, DropoutOps {
  private static final String ELEMENTWISE = "elementwise.cl";

  private final ClOps ops;
  private final ClReductions reductions;

  ClElementwise(ClOps ops, ClReductions reductions) {
    this.ops = ops;
    this.reductions = reductions;
  }

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    ops.kernel(ELEMENTWISE, "activation_forward")
        .launch1d(n, kind.ordinal(), alpha, ops.range(x, "x", 0, n), ops.range(y, "y", 0, n), n);
  }

  @Override
  public void activationBackward(
      ActivationKind kind,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n) {
    backward("activation_backward", kind.ordinal(), alpha, x, y, dy, dx, n);
  }

  @Override
  public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    ops.kernel(ELEMENTWISE, "unary")
        .launch1d(n, op.ordinal(), alpha, ops.range(x, "x", 0, n), ops.range(y, "y", 0, n), n);
  }

  @Override
  public void unaryBackward(
      UnaryOp op,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n) {
    backward("unary_backward", op.ordinal(), alpha, x, y, dy, dx, n);
  }

  /** An activation's or unary op's gradient: dx from x, y and dy. */
  private void backward(
      String kernel,
      int code,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n) {
    ops.kernel(ELEMENTWISE, kernel)
        .launch1d(
            n,
            code,
            alpha,
            ops.range(x, "x", 0, n),
            ops.range(y, "y", 0, n),
            ops.range(dy, "dy", 0, n),
            ops.range(dx, "dx", 0, n),
            n);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    ops.kernel(ELEMENTWISE, "binary")
        .launch1d(
            n,
            op.ordinal(),
            ops.range(a, "a", 0, n),
            ops.range(b, "b", 0, n),
            ops.range(out, "out", 0, n),
            n);
  }

  @Override
  public void binaryBackward(
      BinaryOp op,
      DeviceBuffer a,
      DeviceBuffer b,
      DeviceBuffer dy,
      DeviceBuffer da,
      DeviceBuffer db,
      long n) {
    ClBuffer ca = ops.range(a, "a", 0, n);
    ClBuffer cb = ops.range(b, "b", 0, n);
    ClBuffer cdy = ops.range(dy, "dy", 0, n);
    // An absent gradient is never written; dy stands in for it.
    ClBuffer cda = da == null ? cdy : ops.range(da, "da", 0, n);
    ClBuffer cdb = db == null ? cdy : ops.range(db, "db", 0, n);
    if (da == null && db == null) return;
    ops.kernel(ELEMENTWISE, "binary_backward")
        .launch1d(n, op.ordinal(), ca, cb, cdy, cda, cdb, da != null, db != null, n);
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    ops.kernel(ELEMENTWISE, "axpby")
        .launch1d(n, alpha, ops.range(x, "x", 0, n), beta, ops.range(y, "y", 0, n), n);
  }

  /** The SPI's default: a {@link ClReductions#broadcastMiddle} of the bias. */
  @Override
  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    SpiDefaults.biasAdd(reductions, y, bias, rows, cols);
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    long total = (long) rows * cols;
    ClBuffer cy = ops.range(y, "y", 0, total);
    // Without a bias the kernel never reads its bias argument; y stands in for it.
    ClBuffer cb = bias == null ? cy : ops.range(bias, "bias", 0, cols);
    if (bias == null && kind == ActivationKind.LINEAR) return;
    ops.kernel(ELEMENTWISE, "bias_activation_forward")
        .launch3d(cols, rows, 1, kind.ordinal(), alpha, cy, cb, bias != null, rows, cols);
  }

  /** One pass computes dz and the bias gradient's partial column sums (folded when sliced). */
  @Override
  public void activationBackwardBias(
      ActivationKind kind,
      float alpha,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dz,
      int rows,
      int cols,
      DeviceBuffer dBias) {
    kind.requireDerivativeFromOutput("activationBackwardBias");
    long total = (long) rows * cols;
    ClBuffer cy = ops.range(y, "y", 0, total);
    ClBuffer cdy = ops.range(dy, "dy", 0, total);
    ClBuffer cdz = ops.range(dz, "dz", 0, total);
    if (dBias == null) {
      if (kind != ActivationKind.LINEAR || dz != dy)
        activationBackward(kind, alpha, y, y, dy, dz, total);
      return;
    }
    ClBuffer cdb = ops.range(dBias, "dBias", 0, cols);
    if (cols == 0) return;
    ClKernel kernel = ops.kernel(ELEMENTWISE, "activation_backward_bias");
    SlicePlan plan = WorkSizes.finestSlices(rows);
    if (!plan.split()) {
      kernel.launch3d(
          cols, 1, 1, kind.ordinal(), alpha, cy, cdy, cdz, rows, cols, Math.max(rows, 1), 1, cdb);
      return;
    }
    try (var lease = ops.scratch.lease(ClScratch.Slot.FUSED_PARTIAL, (long) plan.slices() * cols)) {
      ClBuffer partial = lease.buffer();
      kernel.launch3d(
          cols,
          plan.slices(),
          1,
          kind.ordinal(),
          alpha,
          cy,
          cdy,
          cdz,
          rows,
          cols,
          plan.chunk(),
          plan.slices(),
          partial);
      reductions.sumMiddle(partial, 1, plan.slices(), cols, 1f, cdb);
    }
  }

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    ops.kernel("dropout.cl", "dropout_mask")
        .launch1d(n, seed, rate, 1f / (1f - rate), ops.range(mask, "mask", 0, n), n);
  }
}
