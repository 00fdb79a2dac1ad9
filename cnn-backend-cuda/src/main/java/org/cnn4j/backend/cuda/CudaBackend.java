package org.cnn4j.backend.cuda;

import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.MemoryStats;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;

/**
 * The {@link Backend} on one NVIDIA GPU: every op is a kernel of {@code cnn4j.fatbin} (see {@link
 * CuModule}) or a cuBLAS call, issued on one stream, so ops run in the order called and only {@link
 * #download} and {@link #synchronize()} wait. Uploads go through pinned staging ({@link CuStaging})
 * and do not wait either; device memory comes from a caching allocator, so a training step with
 * fixed shapes allocates nothing from the driver after its first run. This class only wires the op
 * families together and delegates to them, one per kernel file as the CPU backend has one per op
 * family: {@link CuMemory}, {@link CuGemm}, {@link CuConvolution}, {@link CuPooling}, {@link
 * CuElementwise}, {@link CuReductions}, {@link CuNormalization}, {@link CuStrided}, {@link
 * CuResize}, {@link CuOptimizers}.
 *
 * <p>Offsets are applied on the host (kernels get element addresses). Every range is checked on the
 * host before launch ({@link CuOps#range}): an out-of-bounds write on a GPU poisons the whole
 * context.
 */
public final class CudaBackend implements Backend {
  private final CuContext cu;
  private final CuModule module;
  private final CuAllocator allocator;
  private final CuStaging staging;
  private final CuGemm gemm;
  private final KernelImage image;
  private final CuMemory memory;
  private final CuConvolution convolution;
  private final CuPooling pooling;
  private final CuElementwise elementwise;
  private final CuReductions reductions;
  private final CuNormalization normalization;
  private final CuStrided strided;
  private final CuResize resize;
  private final CuOptimizers optimizers;

  CudaBackend(
      CuContext cu, CuModule module, CuGemm gemm, CuAllocator allocator, KernelImage image) {
    this.cu = cu;
    this.module = module;
    this.allocator = allocator;
    this.gemm = gemm;
    this.image = image;
    this.staging = new CuStaging(cu);
    CuOps ops = new CuOps(cu, module, allocator);
    memory = new CuMemory(ops, staging);
    convolution = new CuConvolution(ops);
    pooling = new CuPooling(ops);
    reductions = new CuReductions(ops);
    elementwise = new CuElementwise(ops, reductions);
    normalization = new CuNormalization(ops, reductions);
    strided = new CuStrided(ops, memory);
    resize = new CuResize(ops, memory);
    optimizers = new CuOptimizers(ops);
  }

  /** "own" or "cublas": which GEMM this backend runs. */
  public String gemmName() {
    return gemm.name();
  }

  // ---------------------------------------------------------------- identity and memory

  @Override
  public String id() {
    return CudaBackendProvider.ID;
  }

  @Override
  public String description() {
    CuDevice d = cu.device();
    return d.name()
        + " (sm_"
        + d.ccMajor()
        + d.ccMinor()
        + ", "
        + d.multiprocessors()
        + " SMs), CUDA driver "
        + KernelImage.cudaVersion(d.driverVersion())
        + ", GEMM: "
        + gemm.description()
        + ", kernels: "
        + image.summary();
  }

  @Override
  public DeviceBuffer allocate(long length) {
    return allocator.allocate(length, true);
  }

  /** The im2col columns of the SPI's convolutions: cached device memory, not counted. */
  @Override
  public DeviceBuffer allocateScratch(long length) {
    return allocator.allocate(length, false);
  }

  @Override
  public void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    memory.upload(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    memory.download(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    memory.copy(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void fill(DeviceBuffer buf, long offset, long len, float value) {
    memory.fill(buf, offset, len, value);
  }

  @Override
  public MemoryStats memoryStats() {
    return allocator.stats();
  }

  @Override
  public void synchronize() {
    cu.ensureHealthy("synchronize");
    cu.synchronize("synchronize");
  }

  @Override
  public synchronized void close() {
    if (!cu.markClosed()) return;
    if (!cu.isReleased()) {
      cu.bindForCleanup();
      staging.close();
      gemm.close();
      module.close();
      allocator.close();
    }
    cu.close();
  }

  // ---------------------------------------------------------------- GEMM

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
    Ranges.checkGemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    if (m == 0 || n == 0) return;
    cu.ensureHealthy("gemm");
    CuBuffer ca = allocator.own(a, "A");
    CuBuffer cb = allocator.own(b, "B");
    CuBuffer cc = allocator.own(c, "C");
    gemm.run(
        transA, transB, m, n, k, alpha, ca, aOffset, lda, cb, bOffset, ldb, beta, cc, cOffset, ldc);
  }

  // ---------------------------------------------------------------- convolution and pooling

  @Override
  public void im2col(
      Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    convolution.im2col(s, x, first, count, group, cols);
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    convolution.col2im(s, cols, first, count, group, dx);
  }

  @Override
  public void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    pooling.maxPool2dForward(s, x, y);
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    pooling.maxPool2dBackward(s, x, dy, dx);
  }

  @Override
  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    pooling.avgPool2dForward(s, x, y);
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    pooling.avgPool2dBackward(s, dy, dx);
  }

  // ---------------------------------------------------------------- element-wise

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    elementwise.activationForward(kind, alpha, x, y, n);
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
    elementwise.activationBackward(kind, alpha, x, y, dy, dx, n);
  }

  @Override
  public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    elementwise.unary(op, alpha, x, y, n);
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
    elementwise.unaryBackward(op, alpha, x, y, dy, dx, n);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    elementwise.binary(op, a, b, out, n);
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
    elementwise.binaryBackward(op, a, b, dy, da, db, n);
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    elementwise.axpby(alpha, x, beta, y, n);
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    elementwise.biasActivationForward(kind, alpha, y, bias, rows, cols);
  }

  @Override
  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    elementwise.biasActivationForward(ActivationKind.LINEAR, 0f, y, bias, rows, cols);
  }

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
    elementwise.activationBackwardBias(kind, alpha, y, dy, dz, rows, cols, dBias);
  }

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    elementwise.dropoutMask(seed, rate, mask, n);
  }

  // ---------------------------------------------------------------- reductions, softmax, losses

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    reductions.reduceMiddle(x, outer, mid, inner, scale, out);
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    reductions.broadcastMiddle(src, outer, mid, inner, scale, beta, y);
  }

  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    reductions.reduce(op, x, shape, axes, scale, out);
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    reductions.softmax(x, y, rows, cols);
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    reductions.softmaxBackward(y, dy, dx, rows, cols);
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
    reductions.loss(kind, pred, target, rows, cols, lossPerRow, grad, gradScale);
  }

  // ---------------------------------------------------------------- normalisation

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    normalization.batchNormStatistics(x, rows, cols, mean, variance);
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
    normalization.batchNormApply(x, rows, cols, mean, variance, gamma, beta, eps, y);
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
    normalization.batchNormBackward(
        x, dy, rows, cols, mean, variance, gamma, eps, dx, dGamma, dBeta);
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
    normalization.layerNormForward(x, rows, cols, gamma, beta, eps, y, mean, rstd);
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
    normalization.layerNormBackward(x, dy, rows, cols, mean, rstd, gamma, dx, dGamma, dBeta);
  }

  // ---------------------------------------------------------------- optimizer steps

  @Override
  public void sgdStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer velocity,
      long n,
      float lr,
      float momentum,
      boolean nesterov) {
    optimizers.sgdStep(param, grad, velocity, n, lr, momentum, nesterov);
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
    optimizers.adamStep(param, grad, m, v, n, lr, beta1, beta2, eps, t, weightDecay);
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
    optimizers.rmspropStep(param, grad, meanSquare, n, lr, rho, eps);
  }

  // ---------------------------------------------------------------- strided views and resizing

  @Override
  public void binaryBroadcast(
      BinaryOp op,
      DeviceBuffer a,
      StridedView av,
      DeviceBuffer b,
      StridedView bv,
      DeviceBuffer out,
      long outOffset) {
    strided.binaryBroadcast(op, a, av, b, bv, out, outOffset);
  }

  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    strided.copyStrided(src, from, dst, to);
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    resize.resizeBilinear(x, n, h, w, c, outH, outW, y);
  }

  @Override
  public void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    resize.resizeBilinearBackward(dy, n, h, w, c, outH, outW, dx);
  }
}
