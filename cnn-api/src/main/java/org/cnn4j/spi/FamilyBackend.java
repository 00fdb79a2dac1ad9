package org.cnn4j.spi;

import java.util.Objects;

/**
 * A {@link Backend} made of one object per op family: every op method forwards to the family given
 * to the constructor, so the SPI's method list is written out as delegation here only. A backend
 * module builds its families (often one class per kernel file, one class serving several families)
 * and passes them up; a decorator passes the backend it wraps as every family.
 *
 * <p>What is not an op stays with the subclass: {@link #id()}, {@link #description()}, {@link
 * #synchronize()} and {@link #close()} (which must be idempotent, and after which every op must
 * throw {@link IllegalStateException} naming the backend, as {@link BackendGuard} does), and {@link
 * #lanes()} (none unless overridden). The forwarding methods are not final: a subclass may still
 * override one op, as the conformance suite's planted breaks do.
 */
public abstract class FamilyBackend implements Backend {

  /**
   * The op families of a {@link FamilyBackend}, one object each; one object may serve several (a
   * backend's element-wise kernels may also be its epilogue and its dropout).
   *
   * @param memory allocation, transfers, copies, fills
   * @param gemm matrix products
   * @param convolution im2col, col2im and the convolutions
   * @param pooling max and average pooling
   * @param elementwise activations, unary and binary ops
   * @param epilogue the bias and activation after a convolution or GEMM
   * @param strided copies and broadcasts between strided views
   * @param resize bilinear resizing
   * @param reductions reductions, broadcasts, softmax, losses
   * @param layerNorm layer normalisation
   * @param batchNorm batch normalisation
   * @param dropout dropout masks
   * @param optimizers optimizer steps
   */
  public record Families(
      MemoryOps memory,
      GemmOps gemm,
      ConvolutionOps convolution,
      PoolingOps pooling,
      ElementwiseOps elementwise,
      EpilogueOps epilogue,
      StridedOps strided,
      ResizeOps resize,
      ReductionOps reductions,
      LayerNormOps layerNorm,
      BatchNormOps batchNorm,
      DropoutOps dropout,
      OptimizerOps optimizers) {

    /** Requires every family. */
    public Families {
      Objects.requireNonNull(memory, "memory");
      Objects.requireNonNull(gemm, "gemm");
      Objects.requireNonNull(convolution, "convolution");
      Objects.requireNonNull(pooling, "pooling");
      Objects.requireNonNull(elementwise, "elementwise");
      Objects.requireNonNull(epilogue, "epilogue");
      Objects.requireNonNull(strided, "strided");
      Objects.requireNonNull(resize, "resize");
      Objects.requireNonNull(reductions, "reductions");
      Objects.requireNonNull(layerNorm, "layerNorm");
      Objects.requireNonNull(batchNorm, "batchNorm");
      Objects.requireNonNull(dropout, "dropout");
      Objects.requireNonNull(optimizers, "optimizers");
    }

    /** Every family of {@code backend}: its own implementation of each op, defaults included. */
    public static Families of(Backend backend) {
      return new Families(
          backend, backend, backend, backend, backend, backend, backend, backend, backend, backend,
          backend, backend, backend);
    }
  }

  private final MemoryOps memory;
  private final GemmOps gemm;
  private final ConvolutionOps convolution;
  private final PoolingOps pooling;
  private final ElementwiseOps elementwise;
  private final EpilogueOps epilogue;
  private final StridedOps strided;
  private final ResizeOps resize;
  private final ReductionOps reductions;
  private final LayerNormOps layerNorm;
  private final BatchNormOps batchNorm;
  private final DropoutOps dropout;
  private final OptimizerOps optimizers;

  /** A backend whose ops run on {@code families}. */
  protected FamilyBackend(Families families) {
    memory = families.memory();
    gemm = families.gemm();
    convolution = families.convolution();
    pooling = families.pooling();
    elementwise = families.elementwise();
    epilogue = families.epilogue();
    strided = families.strided();
    resize = families.resize();
    reductions = families.reductions();
    layerNorm = families.layerNorm();
    batchNorm = families.batchNorm();
    dropout = families.dropout();
    optimizers = families.optimizers();
  }

  // ---------------------------------------------------------------- MemoryOps

  @Override
  public DeviceBuffer allocate(long length) {
    return memory.allocate(length);
  }

  @Override
  public DeviceBuffer allocateScratch(long length) {
    return memory.allocateScratch(length);
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
    return memory.memoryStats();
  }

  @Override
  public void startAllocationPhase() {
    memory.startAllocationPhase();
  }

  // ---------------------------------------------------------------- GemmOps

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
    gemm.gemm(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
  }

  @Override
  public void gemmStridedBatched(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      DeviceBuffer a,
      long aOffset,
      int lda,
      long strideA,
      DeviceBuffer b,
      long bOffset,
      int ldb,
      long strideB,
      float beta,
      DeviceBuffer c,
      long cOffset,
      int ldc,
      long strideC,
      int batch) {
    gemm.gemmStridedBatched(
        transA, transB, m, n, k, alpha, a, aOffset, lda, strideA, b, bOffset, ldb, strideB, beta, c,
        cOffset, ldc, strideC, batch);
  }

  // ---------------------------------------------------------------- ConvolutionOps

  @Override
  public void im2col(
      Conv2dSpec spec, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    convolution.im2col(spec, x, first, count, group, cols);
  }

  @Override
  public void col2im(
      Conv2dSpec spec, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    convolution.col2im(spec, cols, first, count, group, dx);
  }

  @Override
  public void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    convolution.conv2dForward(s, x, kernel, y);
  }

  @Override
  public void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    convolution.conv2dBackwardData(s, dy, kernel, dx);
  }

  @Override
  public void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    convolution.conv2dBackwardFilter(s, x, dy, dKernel);
  }

  @Override
  public void conv2dForwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    convolution.conv2dForwardFused(s, x, kernel, bias, kind, alpha, y);
  }

  @Override
  public void conv2dBackwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer y,
      DeviceBuffer dy,
      ActivationKind kind,
      float alpha,
      DeviceBuffer dx,
      DeviceBuffer dKernel,
      DeviceBuffer dBias) {
    convolution.conv2dBackwardFused(s, x, kernel, y, dy, kind, alpha, dx, dKernel, dBias);
  }

  @Override
  public void conv2dBackwardBias(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias) {
    convolution.conv2dBackwardBias(s, dy, dBias);
  }

  // ---------------------------------------------------------------- PoolingOps

  @Override
  public void maxPool2dForward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer y) {
    pooling.maxPool2dForward(spec, x, y);
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    pooling.maxPool2dBackward(spec, x, dy, dx);
  }

  @Override
  public void avgPool2dForward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer y) {
    pooling.avgPool2dForward(spec, x, y);
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec spec, DeviceBuffer dy, DeviceBuffer dx) {
    pooling.avgPool2dBackward(spec, dy, dx);
  }

  // ---------------------------------------------------------------- ElementwiseOps

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
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    elementwise.binary(op, a, b, out, n);
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
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    elementwise.axpby(alpha, x, beta, y, n);
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

  // ---------------------------------------------------------------- EpilogueOps

  @Override
  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    epilogue.biasAdd(y, bias, rows, cols);
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    epilogue.biasActivationForward(kind, alpha, y, bias, rows, cols);
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
    epilogue.activationBackwardBias(kind, alpha, y, dy, dz, rows, cols, dBias);
  }

  // ---------------------------------------------------------------- StridedOps

  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    strided.copyStrided(src, from, dst, to);
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
    strided.binaryBroadcast(op, a, av, b, bv, out, outOffset);
  }

  // ---------------------------------------------------------------- ResizeOps

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

  // ---------------------------------------------------------------- ReductionOps

  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    reductions.reduce(op, x, shape, axes, scale, out);
  }

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

  // ---------------------------------------------------------------- LayerNormOps

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
    layerNorm.layerNormForward(x, rows, cols, gamma, beta, eps, y, mean, rstd);
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
    layerNorm.layerNormBackward(x, dy, rows, cols, mean, rstd, gamma, dx, dGamma, dBeta);
  }

  // ---------------------------------------------------------------- BatchNormOps

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    batchNorm.batchNormStatistics(x, rows, cols, mean, variance);
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
    batchNorm.batchNormApply(x, rows, cols, mean, variance, gamma, beta, eps, y);
  }

  @Override
  public void batchNormTraining(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer mean,
      DeviceBuffer variance,
      DeviceBuffer y) {
    batchNorm.batchNormTraining(x, rows, cols, gamma, beta, eps, mean, variance, y);
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
    batchNorm.batchNormBackward(x, dy, rows, cols, mean, variance, gamma, eps, dx, dGamma, dBeta);
  }

  // ---------------------------------------------------------------- DropoutOps

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    dropout.dropoutMask(seed, rate, mask, n);
  }

  // ---------------------------------------------------------------- OptimizerOps

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
}
