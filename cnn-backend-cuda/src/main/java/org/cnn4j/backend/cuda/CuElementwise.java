package org.cnn4j.backend.cuda;

import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.DropoutOps;
import org.cnn4j.spi.ElementwiseOps;
import org.cnn4j.spi.EpilogueOps;
import org.cnn4j.spi.UnaryOp;

/**
 * elementwise.cu's activations, unary and binary ops with their gradients, the fused bias and
 * activation passes, and dropout.cu's masks: grid-stride kernels over the elements.
 */
final class CuElementwise implements ElementwiseOps, EpilogueOps, DropoutOps {
  private final CuOps ops;
  private final CuReductions reductions;

  CuElementwise(CuOps ops, CuReductions reductions) {
    this.ops = ops;
    this.reductions = reductions;
  }

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    ops.launch1d(
        "activation_forward",
        n,
        kind.ordinal(),
        alpha,
        ops.range(x, "x", 0, n).at(0),
        ops.range(y, "y", 0, n).at(0),
        n);
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
    ops.launch1d(
        "activation_backward",
        n,
        kind.ordinal(),
        alpha,
        ops.range(x, "x", 0, n).at(0),
        ops.range(y, "y", 0, n).at(0),
        ops.range(dy, "dy", 0, n).at(0),
        ops.range(dx, "dx", 0, n).at(0),
        n);
  }

  @Override
  public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    ops.launch1d(
        "unary",
        n,
        op.ordinal(),
        alpha,
        ops.range(x, "x", 0, n).at(0),
        ops.range(y, "y", 0, n).at(0),
        n);
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
    ops.launch1d(
        "unary_backward",
        n,
        op.ordinal(),
        alpha,
        ops.range(x, "x", 0, n).at(0),
        ops.range(y, "y", 0, n).at(0),
        ops.range(dy, "dy", 0, n).at(0),
        ops.range(dx, "dx", 0, n).at(0),
        n);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    ops.launch1d(
        "binary",
        n,
        op.ordinal(),
        ops.range(a, "a", 0, n).at(0),
        ops.range(b, "b", 0, n).at(0),
        ops.range(out, "out", 0, n).at(0),
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
    CuBuffer ca = ops.range(a, "a", 0, n);
    CuBuffer cb = ops.range(b, "b", 0, n);
    CuBuffer cdy = ops.range(dy, "dy", 0, n);
    // An absent gradient is never written; dy stands in for it.
    CuBuffer cda = da == null ? cdy : ops.range(da, "da", 0, n);
    CuBuffer cdb = db == null ? cdy : ops.range(db, "db", 0, n);
    if (da == null && db == null) return;
    ops.launch1d(
        "binary_backward",
        n,
        op.ordinal(),
        ca.at(0),
        cb.at(0),
        cdy.at(0),
        cda.at(0),
        cdb.at(0),
        da != null,
        db != null,
        n);
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    ops.launch1d(
        "axpby", n, alpha, ops.range(x, "x", 0, n).at(0), beta, ops.range(y, "y", 0, n).at(0), n);
  }

  /** The fused pass without an activation. */
  @Override
  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    biasActivationForward(ActivationKind.LINEAR, 0f, y, bias, rows, cols);
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    long n = (long) rows * cols;
    CuBuffer cy = ops.range(y, "y", 0, n);
    // Without a bias the kernel never reads its bias argument; y stands in for it.
    CuBuffer cb = bias == null ? cy : ops.range(bias, "bias", 0, cols);
    if (bias == null && kind == ActivationKind.LINEAR) return;
    ops.launch1d(
        "bias_activation_forward",
        n,
        kind.ordinal(),
        alpha,
        cy.at(0),
        cb.at(0),
        bias != null,
        cols,
        n);
  }

  /** dz from the activation's output, then the bias gradient as column sums of dz. */
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
    long n = (long) rows * cols;
    CuBuffer cy = ops.range(y, "y", 0, n);
    CuBuffer cdy = ops.range(dy, "dy", 0, n);
    CuBuffer cdz = ops.range(dz, "dz", 0, n);
    if (kind != ActivationKind.LINEAR || dz != dy) {
      ops.launch1d(
          "activation_backward_from_output",
          n,
          kind.ordinal(),
          alpha,
          cy.at(0),
          cdy.at(0),
          cdz.at(0),
          n);
    }
    if (dBias != null) reductions.reduceMiddle(dz, 1, rows, cols, 1f, dBias);
  }

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    float keep = (float) (1.0 / (1.0 - rate));
    ops.launch1d("dropout_mask", n, seed, rate, keep, ops.range(mask, "mask", 0, n).at(0), n);
  }
}
