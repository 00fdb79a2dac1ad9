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

  /** oneDNN's primitives when its library loaded, else null (im2col + OpenBLAS throughout). */
  private final DnnlConvolutions dnnl;

  /** Single-threaded views sharing {@link #pool}, one per thread, for batch-split work; or none. */
  private final List<Backend> lanes;

  /** Whether this is a lane (its pool belongs to the backend that made it). */
  private final boolean lane;

  private final Memory memory;
  private final Gemm gemm;
  private final Im2col im2col;
  private final Convolutions convolutions;
  private final Pooling pooling;
  private final Elementwise elementwise;
  private final Reductions reductions;
  private final BatchNorm batchNorm;
  private final Dropout dropout;
  private final Optimizers optimizers;

  /**
   * @param lanes whether to offer {@code threads} single-threaded lanes ({@link Backend#lanes()}):
   *     then a model splits each batch across them, and oneDNN must run one thread per call
   *     (OMP_NUM_THREADS=1), or each lane's call would start an OpenMP team of its own
   */
  CpuBackend(int threads, Map<String, String> details, boolean useOnednn, boolean lanes) {
    this(new BufferPool(), threads, details, useOnednn, lanes && threads > 1 ? threads : 0);
  }

  private CpuBackend(
      BufferPool pool, int threads, Map<String, String> details, boolean useOnednn, int lanes) {
    this(
        pool,
        new Parallel(threads),
        useOnednn ? new DnnlConvolutions() : null,
        lanes(pool, useOnednn, lanes),
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
      DnnlConvolutions dnnl,
      List<Backend> lanes,
      boolean lane,
      String description) {
    this.pool = pool;
    this.parallel = parallel;
    this.dnnl = dnnl;
    this.lanes = lanes;
    this.lane = lane;
    this.description = description;
    this.memory = new Memory(parallel);
    this.gemm = new Gemm(parallel, pool);
    this.im2col = new Im2col(parallel);
    this.elementwise = new Elementwise(parallel);
    this.convolutions = new Convolutions(parallel, pool, gemm, elementwise, dnnl);
    this.pooling = new Pooling(parallel, dnnl);
    this.reductions = new Reductions(parallel);
    this.batchNorm = new BatchNorm(parallel);
    this.dropout = new Dropout(parallel);
    this.optimizers = new Optimizers(parallel);
  }

  /** {@code count} single-threaded lanes on the shared pool, each with its own oneDNN state. */
  private static List<Backend> lanes(BufferPool pool, boolean useOnednn, int count) {
    List<Backend> views = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      views.add(
          new CpuBackend(
              pool,
              new Parallel(1),
              useOnednn ? new DnnlConvolutions() : null,
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

  @Override
  public void close() {
    if (lane) return; // closed by the backend that made it, which owns the pool
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
  public void fill(DeviceBuffer b, long offset, long len, float value) {
    memory.fill(b, offset, len, value);
  }

  @Override
  public MemoryStats memoryStats() {
    return pool.stats();
  }

  @Override
  public void synchronize() {
    // Every op has finished when it returns.
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
    gemm.gemm(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
  }

  // ---------------------------------------------------------------- convolution

  @Override
  public void im2col(
      Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    im2col.im2col(s, x, first, count, group, cols);
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    im2col.col2im(s, cols, first, count, group, dx);
  }

  @Override
  public void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    convolutions.conv2dForward(s, x, kernel, y);
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
    convolutions.conv2dForwardFused(s, x, kernel, bias, kind, alpha, y);
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
    convolutions.conv2dBackwardFused(s, x, kernel, y, dy, kind, alpha, dx, dKernel, dBias);
  }

  @Override
  public void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    convolutions.conv2dBackwardData(s, dy, kernel, dx);
  }

  @Override
  public void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    convolutions.conv2dBackwardFilter(s, x, dy, dKernel);
  }

  // ---------------------------------------------------------------- pooling

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
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    elementwise.binary(op, a, b, out, n);
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

  // ---------------------------------------------------------------- batch normalisation

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

  // ---------------------------------------------------------------- dropout

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    dropout.dropoutMask(seed, rate, mask, n);
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
}
