package org.cnn4j.conformance;

import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.MemoryStats;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;

/**
 * A backend seen through its required ops only: every abstract SPI method forwards to the delegate,
 * and the SPI's default methods (convolution through im2col and GEMM, strided batches, bias through
 * broadcastMiddle) run on top of them. The suite checks a backend directly and through this view,
 * so both the backend's overrides and the default path are covered.
 */
public class SpiDefaultsView implements Backend {
  protected final Backend delegate;

  public SpiDefaultsView(Backend delegate) {
    this.delegate = delegate;
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public String description() {
    return delegate.description();
  }

  @Override
  public DeviceBuffer allocate(long length) {
    return delegate.allocate(length);
  }

  @Override
  public void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    delegate.upload(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    delegate.download(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    delegate.copy(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void fill(DeviceBuffer buf, long offset, long len, float value) {
    delegate.fill(buf, offset, len, value);
  }

  @Override
  public MemoryStats memoryStats() {
    return delegate.memoryStats();
  }

  @Override
  public void synchronize() {
    delegate.synchronize();
  }

  /** Closing the view does not close the backend it looks at. */
  @Override
  public void close() {}

  @Override
  public void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      DeviceBuffer a,
      long aOffset,
      int lda,
      DeviceBuffer b,
      long bOffset,
      int ldb,
      float beta,
      DeviceBuffer c,
      long cOffset,
      int ldc) {
    delegate.gemm(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
  }

  @Override
  public void im2col(
      Conv2dSpec spec, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    delegate.im2col(spec, x, first, count, group, cols);
  }

  @Override
  public void col2im(
      Conv2dSpec spec, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    delegate.col2im(spec, cols, first, count, group, dx);
  }

  @Override
  public void maxPool2dForward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer y) {
    delegate.maxPool2dForward(spec, x, y);
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    delegate.maxPool2dBackward(spec, x, dy, dx);
  }

  @Override
  public void avgPool2dForward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer y) {
    delegate.avgPool2dForward(spec, x, y);
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec spec, DeviceBuffer dy, DeviceBuffer dx) {
    delegate.avgPool2dBackward(spec, dy, dx);
  }

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    delegate.activationForward(kind, alpha, x, y, n);
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
    delegate.activationBackward(kind, alpha, x, y, dy, dx, n);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    delegate.binary(op, a, b, out, n);
  }

  @Override
  public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    delegate.unary(op, alpha, x, y, n);
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
    delegate.unaryBackward(op, alpha, x, y, dy, dx, n);
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
    delegate.binaryBackward(op, a, b, dy, da, db, n);
  }

  @Override
  public void binaryBroadcast(
      BinaryOp op,
      DeviceBuffer a,
      StridedView av,
      DeviceBuffer b,
      StridedView bv,
      DeviceBuffer out,
      long outOffset) {
    delegate.binaryBroadcast(op, a, av, b, bv, out, outOffset);
  }

  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    delegate.copyStrided(src, from, dst, to);
  }

  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    delegate.reduce(op, x, shape, axes, scale, out);
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    delegate.resizeBilinear(x, n, h, w, c, outH, outW, y);
  }

  @Override
  public void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    delegate.resizeBilinearBackward(dy, n, h, w, c, outH, outW, dx);
  }

  @Override
  public void layerNormForward(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer y,
      DeviceBuffer mean,
      DeviceBuffer rstd) {
    delegate.layerNormForward(x, rows, cols, gamma, beta, eps, y, mean, rstd);
  }

  @Override
  public void layerNormBackward(
      DeviceBuffer x,
      DeviceBuffer dy,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer rstd,
      DeviceBuffer gamma,
      DeviceBuffer dx,
      DeviceBuffer dGamma,
      DeviceBuffer dBeta) {
    delegate.layerNormBackward(x, dy, rows, cols, mean, rstd, gamma, dx, dGamma, dBeta);
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    delegate.axpby(alpha, x, beta, y, n);
  }

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    delegate.reduceMiddle(x, outer, mid, inner, scale, out);
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    delegate.broadcastMiddle(src, outer, mid, inner, scale, beta, y);
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    delegate.softmax(x, y, rows, cols);
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    delegate.softmaxBackward(y, dy, dx, rows, cols);
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
    delegate.loss(kind, pred, target, rows, cols, lossPerRow, grad, gradScale);
  }

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    delegate.batchNormStatistics(x, rows, cols, mean, variance);
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
    delegate.batchNormApply(x, rows, cols, mean, variance, gamma, beta, eps, y);
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
    delegate.batchNormBackward(x, dy, rows, cols, mean, variance, gamma, eps, dx, dGamma, dBeta);
  }

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    delegate.dropoutMask(seed, rate, mask, n);
  }

  @Override
  public void sgdStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer velocity,
      long n,
      float lr,
      float momentum,
      boolean nesterov) {
    delegate.sgdStep(param, grad, velocity, n, lr, momentum, nesterov);
  }

  @Override
  public void adamStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer m,
      DeviceBuffer v,
      long n,
      float lr,
      float beta1,
      float beta2,
      float eps,
      long t,
      float weightDecay) {
    delegate.adamStep(param, grad, m, v, n, lr, beta1, beta2, eps, t, weightDecay);
  }

  @Override
  public void rmspropStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer meanSquare,
      long n,
      float lr,
      float rho,
      float eps) {
    delegate.rmspropStep(param, grad, meanSquare, n, lr, rho, eps);
  }
}
