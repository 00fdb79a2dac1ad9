package org.cnn4j.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.openblas.global.openblas_full;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.MemoryStats;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.SpiDefaults;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;

/**
 * The CPU backend: one object per op family (as the GPU backends keep one kernel file per family),
 * which this class only wires together and delegates to. Convolutions and max pooling run in oneDNN
 * where it takes the geometry, GEMM in OpenBLAS, the memory-bound element-wise work in Java loops
 * over off-heap memory, split across threads when large. Every op is synchronous, so {@link
 * #synchronize()} has nothing to wait for.
 */
final class CpuBackend implements Backend {
  private final BufferPool pool;
  private final Parallel parallel;
  private final String description;

  /** oneDNN's state when its library loaded, else null (im2col + OpenBLAS throughout). */
  private final DnnlSession dnnl;

  /** Single-threaded views sharing {@link #pool}, one per thread, for batch-split work; or none. */
  private final List<Backend> lanes;

  /** Whether this is a lane (its pool belongs to the backend that made it). */
  private final boolean lane;

  /** The op families; reached through {@link #ops()}, which refuses after {@link #close()}. */
  private final Ops ops;

  /**
   * @param lanes whether to offer {@code threads} single-threaded lanes ({@link Backend#lanes()}):
   *     then a model splits each batch across them, and each oneDNN call must run on one OpenMP
   *     thread, or each lane's call would start an OpenMP team of its own
   * @param setOmpThreads whether to set OpenMP's thread count on each thread that calls oneDNN
   *     ({@link OpenMpThreads}): {@code threads} for this backend's own calls, 1 for its lanes'
   *     calls; false leaves it to the environment
   */
  CpuBackend(
      int threads,
      Map<String, String> details,
      boolean useOnednn,
      boolean lanes,
      boolean setOmpThreads) {
    this(
        new BufferPool(),
        threads,
        details,
        useOnednn,
        lanes && threads > 1 ? threads : 0,
        setOmpThreads ? threads : 0,
        setOmpThreads ? 1 : 0);
  }

  /**
   * @param ompThreads OpenMP threads for this backend's oneDNN calls: a model runs a batch it does
   *     not split (BatchNormalization's, or one row) here, on all the threads, as it would run on a
   *     backend without lanes
   * @param laneOmpThreads OpenMP threads for each lane's oneDNN calls (1: the lanes run at once)
   */
  private CpuBackend(
      BufferPool pool,
      int threads,
      Map<String, String> details,
      boolean useOnednn,
      int lanes,
      int ompThreads,
      int laneOmpThreads) {
    this(
        pool,
        new Parallel(threads),
        useOnednn ? new DnnlSession(ompThreads, true) : null,
        lanes(pool, useOnednn, lanes, laneOmpThreads),
        false,
        "OpenBLAS "
            + details.getOrDefault("blas", "?")
            + (useOnednn ? ", oneDNN " + details.getOrDefault("onednn", "?") : "")
            + ", "
            + threads
            + " threads"
            + (lanes == 0 ? "" : " (batches split into " + threads + " lanes)"));
    openblas_full.openblas_set_num_threads(1);
  }

  private CpuBackend(
      BufferPool pool,
      Parallel parallel,
      DnnlSession dnnl,
      List<Backend> lanes,
      boolean lane,
      String description) {
    this.pool = pool;
    this.parallel = parallel;
    this.dnnl = dnnl;
    this.lanes = lanes;
    this.lane = lane;
    this.description = description;
    this.ops = new Ops(parallel, pool, dnnl);
  }

  /** One object per op family, all on this backend's threads, pool and oneDNN state. */
  private static final class Ops {
    final Memory memory;
    final Gemm gemm;
    final Im2col im2col;
    final Elementwise elementwise;
    final Convolutions convolutions;
    final Pooling pooling;
    final Reductions reductions;
    final BatchNorm batchNorm;
    final Dropout dropout;
    final Optimizers optimizers;
    final CpuTensorOps tensorOps;

    Ops(Parallel parallel, BufferPool pool, DnnlSession dnnl) {
      memory = new Memory(parallel);
      gemm = new Gemm(parallel, pool);
      im2col = new Im2col(parallel);
      DnnlEltwise eltwise = dnnl == null ? null : new DnnlEltwise(dnnl);
      elementwise = new Elementwise(parallel, eltwise);
      convolutions =
          new Convolutions(
              parallel,
              pool,
              gemm,
              elementwise,
              dnnl == null ? null : new DnnlConvolutions(dnnl),
              eltwise);
      pooling = new Pooling(parallel, dnnl == null ? null : new DnnlPooling(dnnl));
      reductions = new Reductions(parallel);
      batchNorm = new BatchNorm(parallel, dnnl == null ? null : new DnnlBatchNorm(dnnl));
      dropout = new Dropout(parallel);
      optimizers = new Optimizers(parallel);
      tensorOps = new CpuTensorOps(parallel);
    }
  }

  /**
   * The op families, or an {@link IllegalStateException} once this backend (or, for a lane, the
   * backend that made it) is closed: its oneDNN state and threads are gone then, and a native call
   * would crash the JVM.
   */
  private Ops ops() {
    pool.guard.ensureUsable();
    return ops;
  }

  /** {@code count} single-threaded lanes on the shared pool, each with its own oneDNN state. */
  private static List<Backend> lanes(
      BufferPool pool, boolean useOnednn, int count, int ompThreads) {
    List<Backend> views = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      views.add(
          new CpuBackend(
              pool,
              new Parallel(1),
              useOnednn ? new DnnlSession(ompThreads, false) : null,
              List.of(),
              true,
              "lane " + i));
    }
    return List.copyOf(views);
  }

  @Override
  public List<Backend> lanes() {
    return lanes;
  }

  @Override
  public String id() {
    return CpuBackendProvider.ID;
  }

  @Override
  public String description() {
    return description;
  }

  /**
   * Frees the threads, the oneDNN state and the pool's cached memory, once; every later op throws
   * {@link IllegalStateException}. Buffers still open free their memory when they are closed. A
   * lane's close does nothing: the backend that made it closes it.
   */
  @Override
  public void close() {
    if (lane || !pool.guard.close()) return;
    for (Backend view : lanes) ((CpuBackend) view).closeLane();
    if (dnnl != null) dnnl.close();
    parallel.close();
    pool.close();
  }

  private void closeLane() {
    if (dnnl != null) dnnl.close();
    parallel.close();
  }

  // ---------------------------------------------------------------- memory

  @Override
  public DeviceBuffer allocate(long length) {
    return pool.allocate(length);
  }

  @Override
  public void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    ops().memory.upload(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    ops().memory.download(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    ops().memory.copy(src, srcOffset, dst, dstOffset, len);
  }

  @Override
  public void fill(DeviceBuffer b, long offset, long len, float value) {
    ops().memory.fill(b, offset, len, value);
  }

  @Override
  public MemoryStats memoryStats() {
    return pool.stats();
  }

  @Override
  public void startAllocationPhase() {
    pool.startPhase();
  }

  @Override
  public void synchronize() {
    // Every op has finished when it returns.
    pool.guard.ensureUsable("synchronize");
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
    ops()
        .gemm
        .gemm(
            transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset,
            ldc);
  }

  // ---------------------------------------------------------------- convolution

  @Override
  public void im2col(
      Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    ops().im2col.im2col(s, x, first, count, group, cols);
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    ops().im2col.col2im(s, cols, first, count, group, dx);
  }

  @Override
  public void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    ops().convolutions.conv2dForward(s, x, kernel, y);
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
    ops().convolutions.conv2dForwardFused(s, x, kernel, bias, kind, alpha, y);
  }

  @Override
  public void conv2dForwardResidual(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    if (!ops().convolutions.conv2dForwardResidual(s, x, kernel, bias, kind, alpha, y)) {
      SpiDefaults.conv2dForwardResidual(this, s, x, kernel, bias, kind, alpha, y);
    }
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
    ops().convolutions.conv2dBackwardFused(s, x, kernel, y, dy, kind, alpha, dx, dKernel, dBias);
  }

  @Override
  public void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    ops().convolutions.conv2dBackwardData(s, dy, kernel, dx);
  }

  @Override
  public void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    ops().convolutions.conv2dBackwardFilter(s, x, dy, dKernel);
  }

  // ---------------------------------------------------------------- pooling

  @Override
  public void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    ops().pooling.maxPool2dForward(s, x, y);
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    ops().pooling.maxPool2dBackward(s, x, dy, dx);
  }

  @Override
  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    ops().pooling.avgPool2dForward(s, x, y);
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    ops().pooling.avgPool2dBackward(s, dy, dx);
  }

  // ---------------------------------------------------------------- element-wise

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    ops().elementwise.activationForward(kind, alpha, x, y, n);
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
    ops().elementwise.activationBackward(kind, alpha, x, y, dy, dx, n);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    ops().elementwise.binary(op, a, b, out, n);
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    ops().elementwise.axpby(alpha, x, beta, y, n);
  }

  // ---------------------------------------------------------------- graph ops (CpuTensorOps)

  @Override
  public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    ops().tensorOps.unary(op, alpha, x, y, n);
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
    ops().tensorOps.unaryBackward(op, alpha, x, y, dy, dx, n);
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
    ops().tensorOps.binaryBackward(op, a, b, dy, da, db, n);
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
    ops().tensorOps.binaryBroadcast(op, a, av, b, bv, out, outOffset);
  }

  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    ops().tensorOps.copyStrided(src, from, dst, to);
  }

  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    ops().tensorOps.reduce(op, x, shape, axes, scale, out);
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    ops().tensorOps.resizeBilinear(x, n, h, w, c, outH, outW, y);
  }

  @Override
  public void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    ops().tensorOps.resizeBilinearBackward(dy, n, h, w, c, outH, outW, dx);
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
    ops().tensorOps.layerNormForward(x, rows, cols, gamma, beta, eps, y, mean, rstd);
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
    ops().tensorOps.layerNormBackward(x, dy, rows, cols, mean, rstd, gamma, dx, dGamma, dBeta);
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    ops().elementwise.biasActivationForward(kind, alpha, y, bias, rows, cols);
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
    ops().elementwise.activationBackwardBias(kind, alpha, y, dy, dz, rows, cols, dBias);
  }

  // ---------------------------------------------------------------- reductions, softmax, losses

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    ops().reductions.reduceMiddle(x, outer, mid, inner, scale, out);
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    ops().reductions.broadcastMiddle(src, outer, mid, inner, scale, beta, y);
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    ops().reductions.softmax(x, y, rows, cols);
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    ops().reductions.softmaxBackward(y, dy, dx, rows, cols);
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
    ops().reductions.loss(kind, pred, target, rows, cols, lossPerRow, grad, gradScale);
  }

  // ---------------------------------------------------------------- batch normalisation

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    ops().batchNorm.batchNormStatistics(x, rows, cols, mean, variance);
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
    ops().batchNorm.batchNormApply(x, rows, cols, mean, variance, gamma, beta, eps, y);
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
    ops().batchNorm.batchNormTraining(x, rows, cols, gamma, beta, eps, mean, variance, y);
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
    ops()
        .batchNorm
        .batchNormBackward(x, dy, rows, cols, mean, variance, gamma, eps, dx, dGamma, dBeta);
  }

  // ---------------------------------------------------------------- dropout

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    ops().dropout.dropoutMask(seed, rate, mask, n);
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
    ops().optimizers.sgdStep(param, grad, velocity, n, lr, momentum, nesterov);
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
    ops().optimizers.adamStep(param, grad, m, v, n, lr, beta1, beta2, eps, t, weightDecay);
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
    ops().optimizers.rmspropStep(param, grad, meanSquare, n, lr, rho, eps);
  }
}
