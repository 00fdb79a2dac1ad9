package org.cnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import jcuda.Pointer;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.KernelGeometry;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.MemoryStats;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.ReduceBlocks;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;

/**
 * The {@link Backend} on one NVIDIA GPU: every op is a kernel of {@code cnn4j.fatbin} (see {@link
 * CuModule}) or a cuBLAS call, issued on one stream, so ops run in the order called and only {@link
 * #download} and {@link #synchronize()} wait. Uploads go through pinned staging ({@link CuStaging})
 * and do not wait either; device memory comes from a caching allocator, so a training step with
 * fixed shapes allocates nothing from the driver after its first run.
 *
 * <p>Offsets are applied on the host (kernels get element addresses). Every range is checked on the
 * host before launch: an out-of-bounds write on a GPU poisons the whole context.
 */
public final class CudaBackend implements Backend {
  private static final int BLOCK = 256;

  private final CuContext cu;
  private final CuModule module;
  private final CuAllocator allocator;
  private final CuStaging staging;
  private final CuGemm gemm;
  private final KernelImage image;
  private final int maxBlocks;

  CudaBackend(
      CuContext cu, CuModule module, CuGemm gemm, CuAllocator allocator, KernelImage image) {
    this.cu = cu;
    this.module = module;
    this.allocator = allocator;
    this.gemm = gemm;
    this.image = image;
    this.staging = new CuStaging(cu);
    // Grid-stride kernels need no more blocks than keep every SM busy.
    this.maxBlocks = cu.device().multiprocessors() * 32;
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
    Objects.checkFromIndexSize(srcOffset, len, src.length);
    CuBuffer d = range(dst, "dst", dstOffset, len);
    if (len == 0) return;
    cu.ensureHealthy("upload");
    staging.upload(src, srcOffset, d, dstOffset, len);
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    Objects.checkFromIndexSize(dstOffset, len, dst.length);
    CuBuffer s = range(src, "src", srcOffset, len);
    cu.ensureHealthy("download");
    // Waiting on the stream first names a failed kernel as such rather than as a copy error.
    cu.synchronize("download");
    if (len == 0) return;
    cu.check(
        cuMemcpyDtoH(
            Pointer.to(dst).withByteOffset((long) dstOffset * Float.BYTES),
            s.base().withByteOffset(srcOffset * Float.BYTES),
            (long) len * Float.BYTES),
        "download",
        len + " floats");
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    CuBuffer s = range(src, "src", srcOffset, len);
    CuBuffer d = range(dst, "dst", dstOffset, len);
    if (len == 0) return;
    cu.ensureHealthy("copy");
    cu.check(
        cuMemcpyDtoDAsync(
            d.base().withByteOffset(dstOffset * Float.BYTES),
            s.base().withByteOffset(srcOffset * Float.BYTES),
            len * Float.BYTES,
            cu.stream()),
        "copy",
        len + " floats");
  }

  @Override
  public void fill(DeviceBuffer buf, long offset, long len, float value) {
    CuBuffer b = range(buf, "buf", offset, len);
    if (len == 0) return;
    cu.ensureHealthy("fill");
    cu.check(
        cuMemsetD32Async(
            b.base().withByteOffset(offset * Float.BYTES),
            Float.floatToRawIntBits(value),
            len,
            cu.stream()),
        "fill",
        len + " floats");
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

  // ---------------------------------------------------------------- convolution

  @Override
  public void im2col(
      Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    Ranges.checkImages(s, first, count, group);
    long total = (long) count * s.outH() * s.outW() * columnWidth(s);
    int32(total, "im2col columns");
    CuBuffer cx = range(x, "x", 0, int32(s.inputLength(), "convolution input"));
    CuBuffer cc = range(cols, "cols", 0, total);
    launch1d(
        "im2col",
        (long) count * s.outH() * s.outW() * (s.c() / s.groups()),
        KernelGeometry.of(s),
        cx.at(0),
        first,
        count,
        group,
        cc.at(0));
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    Ranges.checkImages(s, first, count, group);
    long total = (long) count * s.outH() * s.outW() * columnWidth(s);
    int32(total, "im2col columns");
    CuBuffer cc = range(cols, "cols", 0, total);
    CuBuffer cx = range(dx, "dx", 0, int32(s.inputLength(), "convolution input"));
    launch1d(
        "col2im",
        (long) count * s.h() * s.w() * (s.c() / s.groups()),
        KernelGeometry.of(s),
        cc.at(0),
        first,
        count,
        group,
        cx.at(0));
  }

  private static int columnWidth(Conv2dSpec s) {
    return s.kh() * s.kw() * (s.c() / s.groups());
  }

  // ---------------------------------------------------------------- pooling

  @Override
  public void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    CuBuffer cx = range(x, "x", 0, s.inputLength());
    CuBuffer cy = range(y, "y", 0, s.outputLength());
    int total = int32(s.outputLength(), "pooling output");
    int32(s.inputLength(), "pooling input");
    launch1d("max_pool_forward", total, KernelGeometry.of(s), cx.at(0), cy.at(0), total);
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    CuBuffer cx = range(x, "x", 0, s.inputLength());
    CuBuffer cdy = range(dy, "dy", 0, s.outputLength());
    CuBuffer cdx = range(dx, "dx", 0, s.inputLength());
    int total = int32(s.inputLength(), "pooling input");
    launch1d(
        "max_pool_backward", total, KernelGeometry.of(s), cx.at(0), cdy.at(0), cdx.at(0), total);
  }

  @Override
  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    CuBuffer cx = range(x, "x", 0, s.inputLength());
    CuBuffer cy = range(y, "y", 0, s.outputLength());
    int total = int32(s.outputLength(), "pooling output");
    int32(s.inputLength(), "pooling input");
    launch1d("avg_pool_forward", total, KernelGeometry.of(s), cx.at(0), cy.at(0), total);
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    CuBuffer cdy = range(dy, "dy", 0, s.outputLength());
    CuBuffer cdx = range(dx, "dx", 0, s.inputLength());
    int total = int32(s.inputLength(), "pooling input");
    launch1d("avg_pool_backward", total, KernelGeometry.of(s), cdy.at(0), cdx.at(0), total);
  }

  // ---------------------------------------------------------------- element-wise

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    launch1d(
        "activation_forward",
        n,
        kind.ordinal(),
        alpha,
        range(x, "x", 0, n).at(0),
        range(y, "y", 0, n).at(0),
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
    launch1d(
        "activation_backward",
        n,
        kind.ordinal(),
        alpha,
        range(x, "x", 0, n).at(0),
        range(y, "y", 0, n).at(0),
        range(dy, "dy", 0, n).at(0),
        range(dx, "dx", 0, n).at(0),
        n);
  }

  @Override
  public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    launch1d(
        "unary", n, op.ordinal(), alpha, range(x, "x", 0, n).at(0), range(y, "y", 0, n).at(0), n);
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
    launch1d(
        "unary_backward",
        n,
        op.ordinal(),
        alpha,
        range(x, "x", 0, n).at(0),
        range(y, "y", 0, n).at(0),
        range(dy, "dy", 0, n).at(0),
        range(dx, "dx", 0, n).at(0),
        n);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    launch1d(
        "binary",
        n,
        op.ordinal(),
        range(a, "a", 0, n).at(0),
        range(b, "b", 0, n).at(0),
        range(out, "out", 0, n).at(0),
        n);
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    launch1d("axpby", n, alpha, range(x, "x", 0, n).at(0), beta, range(y, "y", 0, n).at(0), n);
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    long n = (long) rows * cols;
    CuBuffer cy = range(y, "y", 0, n);
    // Without a bias the kernel never reads its bias argument; y stands in for it.
    CuBuffer cb = bias == null ? cy : range(bias, "bias", 0, cols);
    if (bias == null && kind == ActivationKind.LINEAR) return;
    launch1d(
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
    CuBuffer cy = range(y, "y", 0, n);
    CuBuffer cdy = range(dy, "dy", 0, n);
    CuBuffer cdz = range(dz, "dz", 0, n);
    if (kind != ActivationKind.LINEAR || dz != dy) {
      launch1d(
          "activation_backward_from_output",
          n,
          kind.ordinal(),
          alpha,
          cy.at(0),
          cdy.at(0),
          cdz.at(0),
          n);
    }
    if (dBias != null) reduceMiddle(dz, 1, rows, cols, 1f, dBias);
  }

  // ---------------------------------------------------------------- reductions and broadcasts

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    if (outer < 0 || mid < 0 || inner < 0) {
      throw new IllegalArgumentException(
          "reduceMiddle sizes must be >= 0: " + outer + ", " + mid + ", " + inner);
    }
    CuBuffer cx = range(x, "x", 0, (long) outer * mid * inner);
    CuBuffer co = range(out, "out", 0, (long) outer * inner);
    if ((long) outer * inner == 0) return;
    sumMiddle(cx, outer, mid, inner, scale, co);
  }

  /**
   * out[o, i] = scale * sum_m x[o, m, i] with reduce.cu's reduce_middle: blocks of 32 (or fewer,
   * for narrow rows) columns by 256 / that many rows; the middle axis is split into slices when
   * there are too few blocks to fill the GPU, and the partials folded by a second launch.
   */
  private void sumMiddle(CuBuffer x, int outer, int mid, int inner, float scale, CuBuffer out) {
    int tx = 1;
    while (tx < inner && tx < 32) tx <<= 1;
    int ty = BLOCK / tx;
    long tiles = OwnGemm.ceilDiv(inner, tx);
    long blocks = outer * tiles;
    int target = 4 * cu.device().multiprocessors();
    int slices = 1;
    if (blocks < target && mid >= 4L * ty) {
      slices = (int) Math.min(Math.min(OwnGemm.ceilDiv(target, blocks), mid / (2L * ty)), 1024);
      slices = Math.max(1, slices);
    }
    int chunk = (int) OwnGemm.ceilDiv(Math.max(mid, 1), slices);
    slices = mid == 0 ? 1 : (int) OwnGemm.ceilDiv(mid, chunk);
    if (slices == 1) {
      module.launch(
          "reduce_middle",
          blocks,
          1,
          1,
          tx,
          ty,
          0,
          x.at(0),
          outer,
          mid,
          inner,
          chunk,
          1,
          scale,
          out.at(0));
      return;
    }
    try (CuBuffer partial = allocator.allocate((long) outer * slices * inner, false)) {
      module.launch(
          "reduce_middle",
          blocks,
          slices,
          1,
          tx,
          ty,
          0,
          x.at(0),
          outer,
          mid,
          inner,
          chunk,
          slices,
          1f,
          partial.at(0));
      sumMiddle(partial, outer, slices, inner, scale, out);
    }
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    long total = (long) outer * mid * inner;
    CuBuffer cs = range(src, "src", 0, (long) outer * inner);
    CuBuffer cy = range(y, "y", 0, total);
    launch1d("broadcast_middle", total, cs.at(0), mid, inner, scale, beta, cy.at(0), total);
  }

  @Override
  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    biasActivationForward(ActivationKind.LINEAR, 0f, y, bias, rows, cols);
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    long total = (long) rows * cols;
    launchRows(
        "softmax", rows, range(x, "x", 0, total).at(0), range(y, "y", 0, total).at(0), rows, cols);
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    long total = (long) rows * cols;
    launchRows(
        "softmax_backward",
        rows,
        range(y, "y", 0, total).at(0),
        range(dy, "dy", 0, total).at(0),
        range(dx, "dx", 0, total).at(0),
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
    CuBuffer p = range(pred, "pred", 0, total);
    CuBuffer t = range(target, "target", 0, kind.sparseTargets() ? rows : total);
    CuBuffer l = range(lossPerRow, "lossPerRow", 0, rows);
    // Without a gradient the kernel never touches its grad argument; pred stands in for it.
    CuBuffer g = grad == null ? p : range(grad, "grad", 0, total);
    launchRows(
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

  // ---------------------------------------------------------------- batch normalisation

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    CuBuffer cx = range(x, "x", 0, (long) rows * cols);
    CuBuffer cm = range(mean, "mean", 0, cols);
    CuBuffer cv = range(variance, "variance", 0, cols);
    if (cols == 0) return;
    sumMiddle(cx, 1, rows, cols, 1f / rows, cm);
    ColumnPlan plan = columnPlan(rows, cols);
    try (CuBuffer partial = allocator.allocate((long) plan.slices() * cols, false)) {
      module.launch(
          "bn_square_deviation",
          plan.tiles(),
          plan.slices(),
          1,
          32,
          8,
          0,
          cx.at(0),
          rows,
          cols,
          plan.chunk(),
          cm.at(0),
          partial.at(0));
      sumMiddle(partial, 1, plan.slices(), cols, 1f / rows, cv);
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
    launch1d(
        "bn_apply",
        total,
        range(x, "x", 0, total).at(0),
        cols,
        range(mean, "mean", 0, cols).at(0),
        range(variance, "variance", 0, cols).at(0),
        range(gamma, "gamma", 0, cols).at(0),
        range(beta, "beta", 0, cols).at(0),
        eps,
        range(y, "y", 0, total).at(0),
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
    CuModule.Arg.Ptr px = range(x, "x", 0, total).at(0);
    CuModule.Arg.Ptr pdy = range(dy, "dy", 0, total).at(0);
    CuModule.Arg.Ptr pm = range(mean, "mean", 0, cols).at(0);
    CuModule.Arg.Ptr pv = range(variance, "variance", 0, cols).at(0);
    CuModule.Arg.Ptr pg = range(gamma, "gamma", 0, cols).at(0);
    CuModule.Arg.Ptr pdx = range(dx, "dx", 0, total).at(0);
    CuBuffer cdGamma = range(dGamma, "dGamma", 0, cols);
    CuBuffer cdBeta = range(dBeta, "dBeta", 0, cols);
    if (cols == 0) return;
    ColumnPlan plan = columnPlan(rows, cols);
    try (CuBuffer sumDy = allocator.allocate((long) plan.slices() * cols, false);
        CuBuffer sumDyXhat = allocator.allocate((long) plan.slices() * cols, false)) {
      module.launch(
          "bn_backward_sums",
          plan.tiles(),
          plan.slices(),
          1,
          32,
          8,
          0,
          px,
          pdy,
          rows,
          cols,
          plan.chunk(),
          pm,
          pv,
          eps,
          sumDy.at(0),
          sumDyXhat.at(0));
      sumMiddle(sumDy, 1, plan.slices(), cols, 1f, cdBeta);
      sumMiddle(sumDyXhat, 1, plan.slices(), cols, 1f, cdGamma);
    }
    launch1d(
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

  /** Column sums over rows: 32-column tiles, rows split into slices to fill the GPU. */
  private record ColumnPlan(long tiles, int slices, int chunk) {}

  private ColumnPlan columnPlan(int rows, int cols) {
    long tiles = OwnGemm.ceilDiv(cols, 32);
    int target = 4 * cu.device().multiprocessors();
    int slices =
        (int) Math.max(1, Math.min(Math.min(OwnGemm.ceilDiv(target, tiles), rows / 64L), 1024));
    int chunk = (int) OwnGemm.ceilDiv(Math.max(rows, 1), slices);
    slices = rows == 0 ? 1 : (int) OwnGemm.ceilDiv(rows, chunk);
    return new ColumnPlan(tiles, slices, chunk);
  }

  // ---------------------------------------------------------------- dropout

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    float keep = (float) (1.0 / (1.0 - rate));
    launch1d("dropout_mask", n, seed, rate, keep, range(mask, "mask", 0, n).at(0), n);
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
    CuBuffer p = range(param, "param", 0, n);
    // Without momentum the kernel never touches velocity (which may be null); param stands in.
    CuBuffer v = momentum == 0f ? p : range(velocity, "velocity", 0, n);
    launch1d(
        "sgd_step",
        n,
        p.at(0),
        range(grad, "grad", 0, n).at(0),
        v.at(0),
        n,
        lr,
        momentum,
        nesterov);
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
    if (t < 1) throw new IllegalArgumentException("Adam's step t counts from 1, got " + t);
    double lrHat = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    launch1d(
        "adam_step",
        n,
        range(param, "param", 0, n).at(0),
        range(grad, "grad", 0, n).at(0),
        range(m, "m", 0, n).at(0),
        range(v, "v", 0, n).at(0),
        n,
        lr,
        beta1,
        beta2,
        eps,
        (float) lrHat,
        weightDecay);
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
    launch1d(
        "rmsprop_step",
        n,
        range(param, "param", 0, n).at(0),
        range(grad, "grad", 0, n).at(0),
        range(meanSquare, "meanSquare", 0, n).at(0),
        n,
        lr,
        rho,
        eps);
  }

  // ---------------------------------------------------------------- graph ops

  @Override
  public void binaryBackward(
      BinaryOp op,
      DeviceBuffer a,
      DeviceBuffer b,
      DeviceBuffer dy,
      DeviceBuffer da,
      DeviceBuffer db,
      long n) {
    CuBuffer ca = range(a, "a", 0, n);
    CuBuffer cb = range(b, "b", 0, n);
    CuBuffer cdy = range(dy, "dy", 0, n);
    // An absent gradient is never written; dy stands in for it.
    CuBuffer cda = da == null ? cdy : range(da, "da", 0, n);
    CuBuffer cdb = db == null ? cdy : range(db, "db", 0, n);
    if (da == null && db == null) return;
    launch1d(
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
  public void binaryBroadcast(
      BinaryOp op,
      DeviceBuffer a,
      StridedView av,
      DeviceBuffer b,
      StridedView bv,
      DeviceBuffer out,
      long outOffset) {
    if (!Arrays.equals(av.shape(), bv.shape())) {
      throw new IllegalArgumentException("binaryBroadcast: views of shapes " + av + " and " + bv);
    }
    CuBuffer ca = range(a, "a", 0, av.extent());
    CuBuffer cb = range(b, "b", 0, bv.extent());
    CuBuffer co = range(out, "out", outOffset, av.size());
    StridedPlan plan =
        StridedPlan.of("binaryBroadcast", av, bv, StridedView.contiguous(outOffset, av.shape()));
    launch1d(
        "binary_broadcast",
        av.size(),
        op.ordinal(),
        ca.at(0),
        plan.view(0),
        cb.at(0),
        plan.view(1),
        co.at(0),
        plan.view(2),
        plan.geometry());
  }

  /** A device copy when both views are one contiguous run, else strided.cu. */
  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    if (!Arrays.equals(from.shape(), to.shape())) {
      throw new IllegalArgumentException("copyStrided: views of shapes " + from + " and " + to);
    }
    if (to.repeats()) {
      throw new IllegalArgumentException(
          "copyStrided: the destination " + to + " repeats elements");
    }
    CuBuffer cs = range(src, "src", 0, from.extent());
    CuBuffer cd = range(dst, "dst", 0, to.extent());
    StridedPlan plan = StridedPlan.of("copyStrided", from, to);
    if (plan.contiguous(0) && plan.contiguous(1)) {
      copy(src, from.offset(), dst, to.offset(), from.size());
      return;
    }
    launch1d(
        "copy_strided",
        from.size(),
        cs.at(0),
        plan.view(0),
        cd.at(0),
        plan.view(1),
        plan.geometry());
  }

  /**
   * Merges neighbouring axes of one kind (reduced or kept, size-1 axes dropped; {@link
   * ReduceBlocks}), then reduces one reduced block per pass of reduce.cu's reduce_axis, innermost
   * first, through scratch memory; the scale is applied in the last pass only. ARGMAX and ARGMIN
   * count positions across every reduced block, so they take one pass of arg_reduce ({@link
   * #argReduce}).
   */
  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    ReduceBlocks merged = ReduceBlocks.of(shape, axes);
    long size = merged.size();
    CuBuffer cx = range(x, "x", 0, size);
    CuBuffer co = range(out, "out", 0, merged.keptSize());
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "reduce: a tensor of "
              + size
              + " elements; the CUDA backend reduces at most 2^31 - 1 at once");
    }
    if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
      argReduce(op, cx, shape, merged, co);
      return;
    }
    // Blocks of neighbouring axes of one kind: {size, 1 if reduced}.
    List<int[]> blocks = new ArrayList<>();
    for (int i = 0; i < merged.count(); i++) {
      blocks.add(new int[] {merged.sizes()[i], merged.reduced()[i] ? 1 : 0});
    }
    int passes = merged.blocks(true);
    if (passes == 0) {
      reduceAxis(op, cx, (int) size, 1, 1, scale, co);
      return;
    }
    long firstOutput = size / blocks.get(lastReduced(blocks))[0];
    try (CuBuffer first = passes > 1 ? allocator.allocate(firstOutput, false) : null;
        CuBuffer second = passes > 2 ? allocator.allocate(firstOutput, false) : null) {
      CuBuffer source = cx;
      for (int pass = 0; pass < passes; pass++) {
        int k = lastReduced(blocks);
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < k; i++) outer *= blocks.get(i)[0];
        for (int i = k + 1; i < blocks.size(); i++) inner *= blocks.get(i)[0];
        int mid = blocks.remove(k)[0];
        boolean last = pass == passes - 1;
        CuBuffer target = last ? co : pass % 2 == 0 ? first : second;
        reduceAxis(op, source, outer, mid, inner, last ? scale : 1f, target);
        source = target;
      }
    }
  }

  /** The most runs of kept axes, and of reduced axes, reduce.cu's arg_reduce takes. */
  private static final int ARG_BLOCKS = 7;

  /** Reduced positions below which a slice of arg_reduce is not worth a second pass. */
  private static final int ARG_MIN_CHUNK = 128;

  /**
   * ARGMAX/ARGMIN with reduce.cu's arg_reduce over every reduced block at once; when there are too
   * few outputs to fill the GPU the reduced positions are cut into slices whose winners arg_combine
   * folds in order.
   */
  private void argReduce(ReduceOp op, CuBuffer x, int[] shape, ReduceBlocks blocks, CuBuffer out) {
    if (blocks.blocks(false) > ARG_BLOCKS || blocks.blocks(true) > ARG_BLOCKS) {
      throw new IllegalArgumentException(
          "reduce: "
              + op
              + " of shape "
              + Arrays.toString(shape)
              + " over axes that alternate with kept ones more than "
              + ARG_BLOCKS
              + " times; the CUDA backend takes at most "
              + ARG_BLOCKS
              + " runs of each");
    }
    // reduce.cu's ArgGeom: the kept and reduced block counts and sizes.
    int[] g = new int[16];
    g[0] = blocks.blocks(false);
    g[1] = blocks.blocks(true);
    System.arraycopy(blocks.sizes(false), 0, g, 2, g[0]);
    System.arraycopy(blocks.sizes(true), 0, g, 9, g[1]);
    long[] keptStrides = Arrays.copyOf(blocks.strides(false), 8);
    long[] reducedStrides = Arrays.copyOf(blocks.strides(true), 8);
    int outputs = (int) blocks.keptSize();
    int length = (int) blocks.reducedSize();
    long wanted = 4L * cu.device().multiprocessors() * BLOCK;
    long allowed = Math.min(1024, length / ARG_MIN_CHUNK);
    int slices = (int) Math.max(1, Math.min(OwnGemm.ceilDiv(wanted, outputs), allowed));
    int chunk = (int) OwnGemm.ceilDiv(length, slices);
    slices = (int) OwnGemm.ceilDiv(length, chunk);
    int code = op.ordinal();
    if (slices == 1) {
      // One slice: the kernel writes positions straight to out and never its best argument.
      launch1d(
          "arg_reduce",
          outputs,
          code,
          x.at(0),
          g,
          keptStrides,
          reducedStrides,
          outputs,
          length,
          1,
          out.at(0),
          out.at(0));
      return;
    }
    long partials = (long) outputs * slices;
    try (CuBuffer values = allocator.allocate(partials, false);
        CuBuffer positions = allocator.allocate(partials, false)) {
      launch1d(
          "arg_reduce",
          partials,
          code,
          x.at(0),
          g,
          keptStrides,
          reducedStrides,
          outputs,
          chunk,
          slices,
          values.at(0),
          positions.at(0));
      launch1d(
          "arg_combine", outputs, code, values.at(0), positions.at(0), outputs, slices, out.at(0));
    }
  }

  private static int lastReduced(List<int[]> blocks) {
    for (int i = blocks.size() - 1; i >= 0; i--) if (blocks.get(i)[1] == 1) return i;
    return -1;
  }

  /**
   * out[o, i] = scale * op over m of x[o, m, i] with reduce.cu's reduce_axis, blocked and sliced as
   * {@link #sumMiddle}.
   */
  private void reduceAxis(
      ReduceOp op, CuBuffer x, int outer, int mid, int inner, float scale, CuBuffer out) {
    int tx = 1;
    while (tx < inner && tx < 32) tx <<= 1;
    int ty = BLOCK / tx;
    long tiles = OwnGemm.ceilDiv(inner, tx);
    long blocks = outer * tiles;
    int target = 4 * cu.device().multiprocessors();
    int slices = 1;
    if (blocks < target && mid >= 4L * ty) {
      slices = (int) Math.min(Math.min(OwnGemm.ceilDiv(target, blocks), mid / (2L * ty)), 1024);
      slices = Math.max(1, slices);
    }
    int chunk = (int) OwnGemm.ceilDiv(Math.max(mid, 1), slices);
    slices = (int) OwnGemm.ceilDiv(Math.max(mid, 1), chunk);
    if (slices == 1) {
      module.launch(
          "reduce_axis",
          blocks,
          1,
          1,
          tx,
          ty,
          0,
          op.ordinal(),
          x.at(0),
          outer,
          mid,
          inner,
          chunk,
          1,
          scale,
          out.at(0));
      return;
    }
    try (CuBuffer partial = allocator.allocate((long) outer * slices * inner, false)) {
      module.launch(
          "reduce_axis",
          blocks,
          slices,
          1,
          tx,
          ty,
          0,
          op.ordinal(),
          x.at(0),
          outer,
          mid,
          inner,
          chunk,
          slices,
          1f,
          partial.at(0));
      reduceAxis(op, partial, outer, slices, inner, scale, out);
    }
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    checkResize("resizeBilinear", n, h, w, c, outH, outW);
    CuBuffer cx = range(x, "x", 0, (long) n * h * w * c);
    CuBuffer cy = range(y, "y", 0, (long) n * outH * outW * c);
    int total = n * outH * outW * c;
    launch1d("resize_bilinear", total, cx.at(0), h, w, c, outH, outW, cy.at(0), total);
  }

  /**
   * The adjoint one axis at a time (the resize is separable), through the smaller of the two
   * intermediate tensors; an axis whose size does not change is the identity and is skipped.
   */
  @Override
  public void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    checkResize("resizeBilinearBackward", n, h, w, c, outH, outW);
    long inputLength = (long) n * h * w * c;
    CuBuffer cdy = range(dy, "dy", 0, (long) n * outH * outW * c);
    CuBuffer cdx = range(dx, "dx", 0, inputLength);
    if (h == outH && w == outW) {
      copy(dy, 0, dx, 0, inputLength);
    } else if (h == outH) {
      resizeAdjoint(cdy, w, outW, c, n * h, cdx);
    } else if (w == outW) {
      resizeAdjoint(cdy, h, outH, w * c, n, cdx);
    } else {
      long widthFirst = (long) n * outH * w * c;
      long heightFirst = (long) n * h * outW * c;
      try (CuBuffer between = allocator.allocate(Math.min(widthFirst, heightFirst), false)) {
        if (widthFirst <= heightFirst) {
          resizeAdjoint(cdy, w, outW, c, n * outH, between);
          resizeAdjoint(between, h, outH, w * c, n, cdx);
        } else {
          resizeAdjoint(cdy, h, outH, outW * c, n, between);
          resizeAdjoint(between, w, outW, c, n * h, cdx);
        }
      }
    }
  }

  /** resize.cu's adjoint along one axis: src [outer, out, inner] to dst [outer, in, inner]. */
  private void resizeAdjoint(CuBuffer src, int in, int out, int inner, int outer, CuBuffer dst) {
    int total = int32((long) outer * in * inner, "resize adjoint");
    launch1d("resize_bilinear_adjoint", total, src.at(0), in, out, inner, dst.at(0), total);
  }

  /** Sizes >= 1 (n and c >= 0) and both tensors indexable in 32 bits, as resize.cu does. */
  private static void checkResize(String op, int n, int h, int w, int c, int outH, int outW) {
    if (n < 0 || c < 0 || h < 1 || w < 1 || outH < 1 || outW < 1) {
      throw new IllegalArgumentException(
          op
              + ": sizes must be >= 1 (n and c >= 0), got n="
              + n
              + " "
              + h
              + "x"
              + w
              + "x"
              + c
              + " -> "
              + outH
              + "x"
              + outW);
    }
    int32((long) n * h * w * c, "resize input");
    int32((long) n * outH * outW * c, "resize output");
    int32((long) n * Math.max(h, outH) * Math.max(w, outW) * c, "resize intermediate");
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
    long total = (long) rows * cols;
    CuBuffer cx = range(x, "x", 0, total);
    CuBuffer cy = range(y, "y", 0, total);
    CuBuffer cm = range(mean, "mean", 0, rows);
    CuBuffer cr = range(rstd, "rstd", 0, rows);
    // An absent gamma or beta is never read; x stands in for it.
    CuBuffer cg = gamma == null ? cx : range(gamma, "gamma", 0, cols);
    CuBuffer cb = beta == null ? cx : range(beta, "beta", 0, cols);
    launchRows(
        "layer_norm_forward",
        rows,
        cx.at(0),
        rows,
        cols,
        cg.at(0),
        cb.at(0),
        gamma != null,
        beta != null,
        eps,
        cy.at(0),
        cm.at(0),
        cr.at(0));
  }

  /**
   * The parameter gradients as column sums in slices (folded by {@link #sumMiddle}), then dx with
   * one warp per row.
   */
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
    long total = (long) rows * cols;
    CuBuffer cx = range(x, "x", 0, total);
    CuBuffer cdy = range(dy, "dy", 0, total);
    CuBuffer cm = range(mean, "mean", 0, rows);
    CuBuffer cr = range(rstd, "rstd", 0, rows);
    CuBuffer cdx = range(dx, "dx", 0, total);
    CuBuffer cg = gamma == null ? cx : range(gamma, "gamma", 0, cols);
    CuBuffer cdGamma = dGamma == null ? null : range(dGamma, "dGamma", 0, cols);
    CuBuffer cdBeta = dBeta == null ? null : range(dBeta, "dBeta", 0, cols);
    if (cols <= 0) return;
    if (dGamma != null || dBeta != null) {
      ColumnPlan plan = columnPlan(rows, cols);
      try (CuBuffer sumDyXhat = allocator.allocate((long) plan.slices() * cols, false);
          CuBuffer sumDy = allocator.allocate((long) plan.slices() * cols, false)) {
        module.launch(
            "layer_norm_param_sums",
            plan.tiles(),
            plan.slices(),
            1,
            32,
            8,
            0,
            cx.at(0),
            cdy.at(0),
            rows,
            cols,
            plan.chunk(),
            cm.at(0),
            cr.at(0),
            sumDyXhat.at(0),
            sumDy.at(0));
        if (cdGamma != null) sumMiddle(sumDyXhat, 1, plan.slices(), cols, 1f, cdGamma);
        if (cdBeta != null) sumMiddle(sumDy, 1, plan.slices(), cols, 1f, cdBeta);
      }
    }
    launchRows(
        "layer_norm_backward",
        rows,
        cx.at(0),
        cdy.at(0),
        rows,
        cols,
        cm.at(0),
        cr.at(0),
        cg.at(0),
        gamma != null,
        cdx.at(0));
  }

  // ---------------------------------------------------------------- launches

  /** A grid-stride kernel over n elements: 256 threads a block, at most 32 blocks per SM. */
  private void launch1d(String kernel, long n, Object... args) {
    if (n <= 0) return;
    module.launch(kernel, Math.min(OwnGemm.ceilDiv(n, BLOCK), maxBlocks), 1, 1, BLOCK, 1, 0, args);
  }

  /** A row kernel: one warp per row, eight rows a block. */
  private void launchRows(String kernel, int rows, Object... args) {
    if (rows <= 0) return;
    module.launch(
        kernel, Math.min(OwnGemm.ceilDiv(rows, BLOCK / 32), maxBlocks), 1, 1, BLOCK, 1, 0, args);
  }

  // ---------------------------------------------------------------- argument checks

  /** conv.cu and pool.cu index in 32 bits: sizes must fit. */
  private static int int32(long size, String what) {
    return Ranges.int32("CUDA", size, what);
  }

  /** The buffer as ours, after checking that {@code [offset, offset + len)} lies inside it. */
  private CuBuffer range(DeviceBuffer buffer, String name, long offset, long len) {
    CuBuffer b = allocator.own(buffer, name);
    Ranges.check(name, b, offset, len);
    return b;
  }
}
