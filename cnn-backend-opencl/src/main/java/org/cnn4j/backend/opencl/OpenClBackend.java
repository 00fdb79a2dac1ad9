package org.cnn4j.backend.opencl;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
import org.jocl.Pointer;
import org.jocl.Sizeof;

/**
 * The {@link Backend} on one OpenCL device: every op is a kernel from the {@code .cl} resources
 * (see {@link ClPrograms}), issued on one in-order queue, so ops run in the order called and only
 * {@link #download} and {@link #synchronize()} wait.
 *
 * <p>Offsets travel as kernel arguments, never as sub-buffers, so no alignment rule applies. Every
 * range is checked on the host before launch: a CPU device such as PoCL runs kernels inside this
 * process, where an out-of-bounds write would corrupt the JVM instead of failing.
 */
public final class OpenClBackend implements Backend {
  private static final String MEMORY = "memory.cl";
  private static final String ELEMENTWISE = "elementwise.cl";
  private static final String CONV = "conv.cl";
  private static final String POOL = "pool.cl";
  private static final String REDUCE = "reduce.cl";
  private static final String BATCHNORM = "batchnorm.cl";
  private static final String DROPOUT = "dropout.cl";
  private static final String OPTIMIZERS = "optimizers.cl";
  private static final String STRIDED = "strided.cl";
  private static final String RESIZE = "resize.cl";
  private static final String LAYERNORM = "layernorm.cl";

  private final ClContext cl;
  private final ClPrograms programs;
  private final ClAllocator allocator;
  private final ClScratch scratch;
  private final ClGemm gemm;

  OpenClBackend(ClDevice device, int gemmRows) {
    cl = new ClContext(device);
    programs = new ClPrograms(cl);
    allocator = new ClAllocator(cl);
    scratch = new ClScratch(allocator);
    gemm = new ClGemm(cl, programs, scratch, gemmRows);
  }

  // ---------------------------------------------------------------- identity and memory

  @Override
  public String id() {
    return OpenClBackendProvider.ID;
  }

  @Override
  public String description() {
    ClDevice d = cl.device();
    return d.name()
        + ", "
        + d.platformName()
        + ", "
        + d.openclVersion()
        + ", driver "
        + d.driverVersion()
        + ", "
        + d.computeUnits()
        + " compute units";
  }

  @Override
  public DeviceBuffer allocate(long length) {
    cl.ensureHealthy("allocate");
    return allocator.allocate(length, true);
  }

  /** The im2col columns of the SPI's convolutions: a slot kept between calls, not counted. */
  @Override
  public DeviceBuffer allocateScratch(long length) {
    cl.ensureHealthy("allocate");
    return scratch.borrow(ClScratch.Slot.CONV_COLUMNS, length);
  }

  @Override
  public void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    Objects.checkFromIndexSize(srcOffset, len, src.length);
    ClBuffer d = range(dst, "dst", dstOffset, len);
    if (len == 0) return;
    cl.ensureHealthy("upload");
    // Blocking: the Java array may move once this call returns.
    cl.check(
        clEnqueueWriteBuffer(
            cl.queue(),
            d.mem(),
            CL_TRUE,
            dstOffset * Sizeof.cl_float,
            (long) len * Sizeof.cl_float,
            Pointer.to(src).withByteOffset((long) srcOffset * Sizeof.cl_float),
            0,
            null,
            null),
        "upload",
        len + " floats");
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    Objects.checkFromIndexSize(dstOffset, len, dst.length);
    ClBuffer s = range(src, "src", srcOffset, len);
    cl.ensureHealthy("download");
    if (len == 0) {
      cl.finish("download");
      return;
    }
    cl.check(
        clEnqueueReadBuffer(
            cl.queue(),
            s.mem(),
            CL_TRUE,
            srcOffset * Sizeof.cl_float,
            (long) len * Sizeof.cl_float,
            Pointer.to(dst).withByteOffset((long) dstOffset * Sizeof.cl_float),
            0,
            null,
            null),
        "download",
        len + " floats");
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    ClBuffer s = range(src, "src", srcOffset, len);
    ClBuffer d = range(dst, "dst", dstOffset, len);
    if (len == 0) return;
    cl.ensureHealthy("copy");
    cl.check(
        clEnqueueCopyBuffer(
            cl.queue(),
            s.mem(),
            d.mem(),
            srcOffset * Sizeof.cl_float,
            dstOffset * Sizeof.cl_float,
            len * Sizeof.cl_float,
            0,
            null,
            null),
        "copy",
        len + " floats");
  }

  @Override
  public void fill(DeviceBuffer buf, long offset, long len, float value) {
    ClBuffer b = range(buf, "buf", offset, len);
    programs.kernel(MEMORY, "fill").launch1d(len, b, offset, len, value);
  }

  @Override
  public MemoryStats memoryStats() {
    return allocator.stats();
  }

  @Override
  public void synchronize() {
    cl.ensureHealthy("synchronize");
    cl.finish("synchronize");
  }

  @Override
  public synchronized void close() {
    if (!cl.markClosed()) return;
    scratch.close();
    programs.close();
    cl.close();
    if (ClKernelProfile.ENABLED) System.err.print(ClKernelProfile.drain());
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
    ClBuffer ca = allocator.own(a, "A");
    ClBuffer cb = allocator.own(b, "B");
    ClBuffer cc = allocator.own(c, "C");
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
    ClBuffer cx = range(x, "x", 0, int32(s.inputLength(), "convolution input"));
    ClBuffer cc = range(cols, "cols", 0, total);
    programs
        .kernel(CONV, "im2col")
        .launch3d(
            channelLanes(s.c() / s.groups()),
            s.outW(),
            (long) count * s.outH(),
            KernelGeometry.of(s),
            cx,
            first,
            count,
            group,
            cc);
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    Ranges.checkImages(s, first, count, group);
    ClBuffer cc = range(cols, "cols", 0, (long) count * s.outH() * s.outW() * columnWidth(s));
    ClBuffer cx = range(dx, "dx", 0, int32(s.inputLength(), "convolution input"));
    int32((long) count * s.outH() * s.outW() * columnWidth(s), "im2col columns");
    programs
        .kernel(CONV, "col2im")
        .launch3d(
            channelLanes(s.c() / s.groups()),
            s.w(),
            (long) count * s.h(),
            KernelGeometry.of(s),
            cc,
            first,
            count,
            group,
            cx);
  }

  private static int columnWidth(Conv2dSpec s) {
    return s.kh() * s.kw() * (s.c() / s.groups());
  }

  // ---------------------------------------------------------------- pooling

  @Override
  public void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    ClBuffer cx = range(x, "x", 0, s.inputLength());
    ClBuffer cy = range(y, "y", 0, s.outputLength());
    int rows = int32((long) s.n() * s.outH(), "pooling output rows");
    int32(s.inputLength(), "pooling input");
    programs
        .kernel(POOL, "max_pool_forward")
        .launch3d(channelLanes(s.c()), s.outW(), rows, poolGeometry(s), cx, cy, rows);
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    ClBuffer cx = range(x, "x", 0, s.inputLength());
    ClBuffer cdy = range(dy, "dy", 0, s.outputLength());
    ClBuffer cdx = range(dx, "dx", 0, s.inputLength());
    int32(s.inputLength(), "pooling input");
    if (s.strideH() >= s.poolH() && s.strideW() >= s.poolW()) {
      if (!coversInput(s)) fill(dx, 0, s.inputLength(), 0f);
      int rows = int32((long) s.n() * s.outH(), "pooling output rows");
      programs
          .kernel(POOL, "max_pool_backward_disjoint")
          .launch3d(channelLanes(s.c()), s.outW(), rows, poolGeometry(s), cx, cdy, cdx, rows);
      return;
    }
    int rows = int32((long) s.n() * s.h(), "pooling input rows");
    programs
        .kernel(POOL, "max_pool_backward")
        .launch3d(channelLanes(s.c()), s.w(), rows, poolGeometry(s), cx, cdy, cdx, rows);
  }

  @Override
  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    ClBuffer cx = range(x, "x", 0, s.inputLength());
    ClBuffer cy = range(y, "y", 0, s.outputLength());
    int rows = int32((long) s.n() * s.outH(), "pooling output rows");
    int32(s.inputLength(), "pooling input");
    programs
        .kernel(POOL, "avg_pool_forward")
        .launch3d(channelLanes(s.c()), s.outW(), rows, poolGeometry(s), cx, cy, rows);
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    ClBuffer cdy = range(dy, "dy", 0, s.outputLength());
    ClBuffer cdx = range(dx, "dx", 0, s.inputLength());
    int rows = int32((long) s.n() * s.h(), "pooling input rows");
    int32(s.inputLength(), "pooling input");
    programs
        .kernel(POOL, "avg_pool_backward")
        .launch3d(channelLanes(s.c()), s.w(), rows, poolGeometry(s), cdy, cdx, rows);
  }

  /** Whether the pooling windows, laid side by side without overlap, cover every input position. */
  private static boolean coversInput(Pool2dSpec s) {
    return s.strideH() == s.poolH()
        && s.strideW() == s.poolW()
        && s.padTop() == 0
        && s.padLeft() == 0
        && s.outH() * s.strideH() >= s.h()
        && s.outW() * s.strideW() >= s.w();
  }

  /** Pool2dSpec's twelve components padded to pool.cl's int16. */
  private static int[] poolGeometry(Pool2dSpec s) {
    return Arrays.copyOf(KernelGeometry.of(s), 16);
  }

  /**
   * Work items across the channels of one pixel in conv.cl and pool.cl: one per channel on a GPU,
   * where neighbouring work items then read neighbouring addresses; one on other devices (PoCL's
   * CPU device), where a work item walking the contiguous channels computes its window once for all
   * of them instead of once per channel with integer divisions.
   */
  private int channelLanes(int channels) {
    return cl.device().gpu() ? channels : 1;
  }

  // ---------------------------------------------------------------- element-wise

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    programs
        .kernel(ELEMENTWISE, "activation_forward")
        .launch1d(n, kind.ordinal(), alpha, range(x, "x", 0, n), range(y, "y", 0, n), n);
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
    programs
        .kernel(ELEMENTWISE, "activation_backward")
        .launch1d(
            n,
            kind.ordinal(),
            alpha,
            range(x, "x", 0, n),
            range(y, "y", 0, n),
            range(dy, "dy", 0, n),
            range(dx, "dx", 0, n),
            n);
  }

  @Override
  public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    programs
        .kernel(ELEMENTWISE, "unary")
        .launch1d(n, op.ordinal(), alpha, range(x, "x", 0, n), range(y, "y", 0, n), n);
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
    programs
        .kernel(ELEMENTWISE, "unary_backward")
        .launch1d(
            n,
            op.ordinal(),
            alpha,
            range(x, "x", 0, n),
            range(y, "y", 0, n),
            range(dy, "dy", 0, n),
            range(dx, "dx", 0, n),
            n);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    programs
        .kernel(ELEMENTWISE, "binary")
        .launch1d(
            n, op.ordinal(), range(a, "a", 0, n), range(b, "b", 0, n), range(out, "out", 0, n), n);
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    programs
        .kernel(ELEMENTWISE, "axpby")
        .launch1d(n, alpha, range(x, "x", 0, n), beta, range(y, "y", 0, n), n);
  }

  // ---------------------------------------------------------------- reductions and broadcasts

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    ClBuffer cx = range(x, "x", 0, (long) outer * mid * inner);
    ClBuffer co = range(out, "out", 0, (long) outer * inner);
    sumMiddle(cx, outer, mid, inner, scale, co);
  }

  /**
   * out[o, i] = scale * sum_m x[o, m, i], sliced when there are too few sums to fill the device.
   */
  private void sumMiddle(ClBuffer x, int outer, int mid, int inner, float scale, ClBuffer out) {
    long outputs = (long) outer * inner;
    if (outputs == 0) return;
    ClKernel reduce = programs.kernel(REDUCE, "reduce_middle");
    SlicePlan plan = SlicePlan.of(outputs, mid, WorkSizes.busyItems(reduce, cl.device()));
    if (!plan.split()) {
      reduce.launch3d(outputs, 1, 1, x, outer, mid, inner, Math.max(mid, 1), 1, scale, out);
      return;
    }
    try (var lease = scratch.lease(ClScratch.Slot.REDUCE_PARTIAL, outputs * plan.slices())) {
      ClBuffer partial = lease.buffer();
      reduce.launch3d(
          outputs,
          plan.slices(),
          1,
          x,
          outer,
          mid,
          inner,
          plan.chunk(),
          plan.slices(),
          1f,
          partial);
      reduce.launch3d(
          outputs, 1, 1, partial, outer, plan.slices(), inner, plan.slices(), 1, scale, out);
    }
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    long total = (long) outer * mid * inner;
    programs
        .kernel(REDUCE, "broadcast_middle")
        .launch1d(
            total,
            range(src, "src", 0, (long) outer * inner),
            outer,
            mid,
            inner,
            scale,
            beta,
            range(y, "y", 0, total));
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    long total = (long) rows * cols;
    ClBuffer cy = range(y, "y", 0, total);
    // Without a bias the kernel never reads its bias argument; y stands in for it.
    ClBuffer cb = bias == null ? cy : range(bias, "bias", 0, cols);
    if (bias == null && kind == ActivationKind.LINEAR) return;
    programs
        .kernel(ELEMENTWISE, "bias_activation_forward")
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
    ClBuffer cy = range(y, "y", 0, total);
    ClBuffer cdy = range(dy, "dy", 0, total);
    ClBuffer cdz = range(dz, "dz", 0, total);
    if (dBias == null) {
      if (kind != ActivationKind.LINEAR || dz != dy)
        activationBackward(kind, alpha, y, y, dy, dz, total);
      return;
    }
    ClBuffer cdb = range(dBias, "dBias", 0, cols);
    if (cols == 0) return;
    ClKernel kernel = programs.kernel(ELEMENTWISE, "activation_backward_bias");
    SlicePlan plan = SlicePlan.finest(rows);
    if (!plan.split()) {
      kernel.launch3d(
          cols, 1, 1, kind.ordinal(), alpha, cy, cdy, cdz, rows, cols, Math.max(rows, 1), 1, cdb);
      return;
    }
    try (var lease = scratch.lease(ClScratch.Slot.FUSED_PARTIAL, (long) plan.slices() * cols)) {
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
      sumMiddle(partial, 1, plan.slices(), cols, 1f, cdb);
    }
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    long total = (long) rows * cols;
    programs
        .kernel(REDUCE, "softmax")
        .launch1d(rows, range(x, "x", 0, total), range(y, "y", 0, total), rows, cols);
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    long total = (long) rows * cols;
    programs
        .kernel(REDUCE, "softmax_backward")
        .launch1d(
            rows,
            range(y, "y", 0, total),
            range(dy, "dy", 0, total),
            range(dx, "dx", 0, total),
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
    ClBuffer p = range(pred, "pred", 0, total);
    ClBuffer t = range(target, "target", 0, kind.sparseTargets() ? rows : total);
    ClBuffer l = range(lossPerRow, "lossPerRow", 0, rows);
    // Without a gradient the kernel never touches its grad argument; pred stands in for it.
    ClBuffer g = grad == null ? p : range(grad, "grad", 0, total);
    programs
        .kernel(REDUCE, "loss")
        .launch1d(rows, kind.ordinal(), p, t, rows, cols, l, g, grad != null, gradScale);
  }

  // ---------------------------------------------------------------- batch normalisation

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    ClBuffer cx = range(x, "x", 0, (long) rows * cols);
    ClBuffer cm = range(mean, "mean", 0, cols);
    ClBuffer cv = range(variance, "variance", 0, cols);
    if (cols == 0) return;
    sumMiddle(cx, 1, rows, cols, 1f / rows, cm);
    // Two passes (mean, then squared deviations) rather than E[x^2] - E[x]^2, which cancels.
    ClKernel deviations = programs.kernel(BATCHNORM, "bn_square_deviation");
    SlicePlan plan = SlicePlan.of(cols, rows, WorkSizes.busyItems(deviations, cl.device()));
    try (var lease = scratch.lease(ClScratch.Slot.BN_FIRST, (long) plan.slices() * cols)) {
      ClBuffer partial = lease.buffer();
      deviations.launch3d(
          cols, plan.slices(), 1, cx, rows, cols, plan.chunk(), plan.slices(), cm, partial);
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
    programs
        .kernel(BATCHNORM, "bn_apply")
        .launch1d(
            total,
            range(x, "x", 0, total),
            rows,
            cols,
            range(mean, "mean", 0, cols),
            range(variance, "variance", 0, cols),
            range(gamma, "gamma", 0, cols),
            range(beta, "beta", 0, cols),
            eps,
            range(y, "y", 0, total));
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
    ClBuffer cx = range(x, "x", 0, total);
    ClBuffer cdy = range(dy, "dy", 0, total);
    ClBuffer cm = range(mean, "mean", 0, cols);
    ClBuffer cv = range(variance, "variance", 0, cols);
    ClBuffer cg = range(gamma, "gamma", 0, cols);
    ClBuffer cdx = range(dx, "dx", 0, total);
    ClBuffer cdGamma = range(dGamma, "dGamma", 0, cols);
    ClBuffer cdBeta = range(dBeta, "dBeta", 0, cols);
    if (cols == 0) return;
    ClKernel sums = programs.kernel(BATCHNORM, "bn_backward_sums");
    SlicePlan plan = SlicePlan.of(cols, rows, WorkSizes.busyItems(sums, cl.device()));
    try (var first = scratch.lease(ClScratch.Slot.BN_FIRST, (long) plan.slices() * cols);
        var second = scratch.lease(ClScratch.Slot.BN_SECOND, (long) plan.slices() * cols)) {
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
      sumMiddle(sumDy, 1, plan.slices(), cols, 1f, cdBeta);
      sumMiddle(sumDyXhat, 1, plan.slices(), cols, 1f, cdGamma);
    }
    programs
        .kernel(BATCHNORM, "bn_backward_dx")
        .launch1d(total, cx, cdy, rows, cols, cm, cv, cg, eps, cdGamma, cdBeta, cdx);
  }

  // ---------------------------------------------------------------- dropout

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    programs
        .kernel(DROPOUT, "dropout_mask")
        .launch1d(n, seed, rate, 1f / (1f - rate), range(mask, "mask", 0, n), n);
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
    ClBuffer p = range(param, "param", 0, n);
    // Without momentum the kernel never touches velocity (which may be null); param stands in.
    ClBuffer v = momentum == 0f ? p : range(velocity, "velocity", 0, n);
    programs
        .kernel(OPTIMIZERS, "sgd_step")
        .launch1d(n, p, range(grad, "grad", 0, n), v, n, lr, momentum, nesterov);
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
    programs
        .kernel(OPTIMIZERS, "adam_step")
        .launch1d(
            n,
            range(param, "param", 0, n),
            range(grad, "grad", 0, n),
            range(m, "m", 0, n),
            range(v, "v", 0, n),
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
    programs
        .kernel(OPTIMIZERS, "rmsprop_step")
        .launch1d(
            n,
            range(param, "param", 0, n),
            range(grad, "grad", 0, n),
            range(meanSquare, "meanSquare", 0, n),
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
    ClBuffer ca = range(a, "a", 0, n);
    ClBuffer cb = range(b, "b", 0, n);
    ClBuffer cdy = range(dy, "dy", 0, n);
    // An absent gradient is never written; dy stands in for it.
    ClBuffer cda = da == null ? cdy : range(da, "da", 0, n);
    ClBuffer cdb = db == null ? cdy : range(db, "db", 0, n);
    if (da == null && db == null) return;
    programs
        .kernel(ELEMENTWISE, "binary_backward")
        .launch1d(n, op.ordinal(), ca, cb, cdy, cda, cdb, da != null, db != null, n);
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
    ClBuffer ca = range(a, "a", 0, av.extent());
    ClBuffer cb = range(b, "b", 0, bv.extent());
    ClBuffer co = range(out, "out", outOffset, av.size());
    StridedPlan plan =
        StridedPlan.of("binaryBroadcast", av, bv, StridedView.contiguous(outOffset, av.shape()));
    int chunk = runLength(plan.innerLength());
    programs
        .kernel(STRIDED, "binary_broadcast")
        .launch3d(
            plan.chunks(chunk),
            plan.rows(),
            1,
            op.ordinal(),
            ca,
            plan.view(0),
            cb,
            plan.view(1),
            co,
            plan.view(2),
            plan.geometry(chunk));
  }

  /** A plain buffer copy when both views are one contiguous run, else strided.cl by rows. */
  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    if (!Arrays.equals(from.shape(), to.shape())) {
      throw new IllegalArgumentException("copyStrided: views of shapes " + from + " and " + to);
    }
    if (to.repeats()) {
      throw new IllegalArgumentException(
          "copyStrided: the destination " + to + " repeats elements");
    }
    ClBuffer cs = range(src, "src", 0, from.extent());
    ClBuffer cd = range(dst, "dst", 0, to.extent());
    StridedPlan plan = StridedPlan.of("copyStrided", from, to);
    if (plan.contiguous(0) && plan.contiguous(1)) {
      copy(src, from.offset(), dst, to.offset(), from.size());
      return;
    }
    int chunk = runLength(plan.innerLength());
    programs
        .kernel(STRIDED, "copy_strided")
        .launch3d(
            plan.chunks(chunk),
            plan.rows(),
            1,
            cs,
            plan.view(0),
            cd,
            plan.view(1),
            plan.geometry(chunk));
  }

  /**
   * Elements of a row one work item walks in strided.cl and resize.cl: one on a GPU (neighbouring
   * work items, neighbouring addresses); on a CPU device up to {@link #CPU_RUN}, so a work item's
   * index arithmetic is paid once per run rather than per element.
   */
  private int runLength(int length) {
    return cl.device().gpu() ? 1 : Math.max(1, Math.min(length, CPU_RUN));
  }

  private static final int CPU_RUN = 256;

  /**
   * Merges neighbouring axes of one kind (reduced or kept, size-1 axes dropped; {@link
   * ReduceBlocks}), then reduces one reduced block per pass of reduce.cl's reduce_axis, innermost
   * first, through scratch buffers; the scale is applied in the last pass only. ARGMAX and ARGMIN
   * count positions across every reduced block, so they take one pass of arg_reduce ({@link
   * #argReduce}).
   */
  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    ReduceBlocks merged = ReduceBlocks.of(shape, axes);
    long size = merged.size();
    ClBuffer cx = range(x, "x", 0, size);
    ClBuffer co = range(out, "out", 0, merged.keptSize());
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "reduce: a tensor of "
              + size
              + " elements; the OpenCL backend reduces at most 2^31 - 1 at once");
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
    try (var first = passes > 1 ? scratch.lease(ClScratch.Slot.AXES_FIRST, firstOutput) : null;
        var second = passes > 2 ? scratch.lease(ClScratch.Slot.AXES_SECOND, firstOutput) : null) {
      ClBuffer source = cx;
      for (int pass = 0; pass < passes; pass++) {
        int k = lastReduced(blocks);
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < k; i++) outer *= blocks.get(i)[0];
        for (int i = k + 1; i < blocks.size(); i++) inner *= blocks.get(i)[0];
        int mid = blocks.remove(k)[0];
        boolean last = pass == passes - 1;
        ClBuffer target = last ? co : (pass % 2 == 0 ? first : second).buffer();
        reduceAxis(op, source, outer, mid, inner, last ? scale : 1f, target);
        source = target;
      }
    }
  }

  /** The most runs of kept axes, and of reduced axes, reduce.cl's arg_reduce takes. */
  private static final int ARG_BLOCKS = 7;

  /**
   * ARGMAX/ARGMIN with reduce.cl's arg_reduce over every reduced block at once; when there are too
   * few outputs to fill the device the reduced positions are cut into slices ({@link SlicePlan})
   * whose winners arg_combine folds in order.
   */
  private void argReduce(ReduceOp op, ClBuffer x, int[] shape, ReduceBlocks blocks, ClBuffer out) {
    if (blocks.blocks(false) > ARG_BLOCKS || blocks.blocks(true) > ARG_BLOCKS) {
      throw new IllegalArgumentException(
          "reduce: "
              + op
              + " of shape "
              + Arrays.toString(shape)
              + " over axes that alternate with kept ones more than "
              + ARG_BLOCKS
              + " times; the OpenCL backend takes at most "
              + ARG_BLOCKS
              + " runs of each");
    }
    int[] g = new int[16];
    g[0] = blocks.blocks(false);
    g[1] = blocks.blocks(true);
    System.arraycopy(blocks.sizes(false), 0, g, 2, g[0]);
    System.arraycopy(blocks.sizes(true), 0, g, 9, g[1]);
    long[] keptStrides = Arrays.copyOf(blocks.strides(false), 8);
    long[] reducedStrides = Arrays.copyOf(blocks.strides(true), 8);
    int outputs = (int) blocks.keptSize();
    int length = (int) blocks.reducedSize();
    ClKernel kernel = programs.kernel(REDUCE, "arg_reduce");
    SlicePlan plan = SlicePlan.of(outputs, length, WorkSizes.busyItems(kernel, cl.device()));
    int code = op.ordinal();
    if (!plan.split()) {
      // One slice: the kernel writes positions straight to out and never its best argument.
      kernel.launch3d(
          outputs, 1, 1, code, x, g, keptStrides, reducedStrides, outputs, length, 1, out, out);
      return;
    }
    long partials = (long) outputs * plan.slices();
    try (var values = scratch.lease(ClScratch.Slot.ARG_VALUES, partials);
        var positions = scratch.lease(ClScratch.Slot.ARG_POSITIONS, partials)) {
      kernel.launch3d(
          outputs,
          plan.slices(),
          1,
          code,
          x,
          g,
          keptStrides,
          reducedStrides,
          outputs,
          plan.chunk(),
          plan.slices(),
          values.buffer(),
          positions.buffer());
      programs
          .kernel(REDUCE, "arg_combine")
          .launch1d(
              outputs, code, values.buffer(), positions.buffer(), outputs, plan.slices(), out);
    }
  }

  private static int lastReduced(List<int[]> blocks) {
    for (int i = blocks.size() - 1; i >= 0; i--) if (blocks.get(i)[1] == 1) return i;
    return -1;
  }

  /**
   * out[o, i] = scale * op over m of x[o, m, i], sliced as {@link #sumMiddle} when there are too
   * few outputs to fill the device.
   */
  private void reduceAxis(
      ReduceOp op, ClBuffer x, int outer, int mid, int inner, float scale, ClBuffer out) {
    long outputs = (long) outer * inner;
    if (outputs == 0) return;
    ClKernel kernel = programs.kernel(REDUCE, "reduce_axis");
    SlicePlan plan = SlicePlan.of(outputs, mid, WorkSizes.busyItems(kernel, cl.device()));
    int code = op.ordinal();
    if (!plan.split()) {
      kernel.launch3d(outputs, 1, 1, code, x, outer, mid, inner, Math.max(mid, 1), 1, scale, out);
      return;
    }
    try (var lease = scratch.lease(ClScratch.Slot.AXIS_PARTIAL, outputs * plan.slices())) {
      ClBuffer partial = lease.buffer();
      kernel.launch3d(
          outputs,
          plan.slices(),
          1,
          code,
          x,
          outer,
          mid,
          inner,
          plan.chunk(),
          plan.slices(),
          1f,
          partial);
      kernel.launch3d(
          outputs, 1, 1, code, partial, outer, plan.slices(), inner, plan.slices(), 1, scale, out);
    }
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    checkResize("resizeBilinear", n, h, w, c, outH, outW);
    ClBuffer cx = range(x, "x", 0, (long) n * h * w * c);
    ClBuffer cy = range(y, "y", 0, (long) n * outH * outW * c);
    int rows = int32((long) n * outH, "resize output rows");
    programs
        .kernel(RESIZE, "resize_bilinear")
        .launch3d(channelLanes(c), outW, rows, cx, h, w, c, outH, outW, rows, cy);
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
    ClBuffer cdy = range(dy, "dy", 0, (long) n * outH * outW * c);
    ClBuffer cdx = range(dx, "dx", 0, inputLength);
    int imagesH = int32((long) n * h, "resize input rows");
    int imagesOutH = int32((long) n * outH, "resize output rows");
    if (h == outH && w == outW) {
      copy(dy, 0, dx, 0, inputLength);
    } else if (h == outH) {
      resizeAdjoint(cdy, w, outW, c, imagesH, cdx);
    } else if (w == outW) {
      resizeAdjoint(cdy, h, outH, w * c, n, cdx);
    } else {
      long widthFirst = (long) n * outH * w * c;
      long heightFirst = (long) n * h * outW * c;
      try (var lease =
          scratch.lease(ClScratch.Slot.RESIZE_PASS, Math.min(widthFirst, heightFirst))) {
        ClBuffer between = lease.buffer();
        if (widthFirst <= heightFirst) {
          resizeAdjoint(cdy, w, outW, c, imagesOutH, between);
          resizeAdjoint(between, h, outH, w * c, n, cdx);
        } else {
          resizeAdjoint(cdy, h, outH, outW * c, n, between);
          resizeAdjoint(between, w, outW, c, imagesH, cdx);
        }
      }
    }
  }

  /** resize.cl's adjoint along one axis: src [outer, out, inner] to dst [outer, in, inner]. */
  private void resizeAdjoint(ClBuffer src, int in, int out, int inner, int outer, ClBuffer dst) {
    int chunk = runLength(inner);
    programs
        .kernel(RESIZE, "resize_bilinear_adjoint")
        .launch3d(
            WorkSizes.ceilDiv(inner, chunk), in, outer, src, in, out, inner, outer, chunk, dst);
  }

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
    ClBuffer cx = range(x, "x", 0, total);
    ClBuffer cy = range(y, "y", 0, total);
    ClBuffer cm = range(mean, "mean", 0, rows);
    ClBuffer cr = range(rstd, "rstd", 0, rows);
    // An absent gamma or beta is never read; x stands in for it.
    ClBuffer cg = gamma == null ? cx : range(gamma, "gamma", 0, cols);
    ClBuffer cb = beta == null ? cx : range(beta, "beta", 0, cols);
    if (rows <= 0) return;
    ClKernel kernel = programs.kernel(LAYERNORM, "layer_norm_forward");
    kernel.launch(
        rowGroups(kernel, rows, cols),
        cx,
        cols,
        cg,
        cb,
        gamma != null,
        beta != null,
        eps,
        cy,
        cm,
        cr);
  }

  /**
   * The parameter gradients as column sums in slices (folded by {@link #sumMiddle}), then dx with
   * one work group per row.
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
    ClBuffer cx = range(x, "x", 0, total);
    ClBuffer cdy = range(dy, "dy", 0, total);
    ClBuffer cm = range(mean, "mean", 0, rows);
    ClBuffer cr = range(rstd, "rstd", 0, rows);
    ClBuffer cdx = range(dx, "dx", 0, total);
    ClBuffer cg = gamma == null ? cx : range(gamma, "gamma", 0, cols);
    ClBuffer cdGamma = dGamma == null ? null : range(dGamma, "dGamma", 0, cols);
    ClBuffer cdBeta = dBeta == null ? null : range(dBeta, "dBeta", 0, cols);
    if (cols <= 0) return;
    if (dGamma != null || dBeta != null) {
      ClKernel sums = programs.kernel(LAYERNORM, "layer_norm_param_sums");
      SlicePlan plan = SlicePlan.of(cols, rows, WorkSizes.busyItems(sums, cl.device()));
      long partials = (long) plan.slices() * cols;
      try (var first = scratch.lease(ClScratch.Slot.LN_GAMMA, partials);
          var second = scratch.lease(ClScratch.Slot.LN_BETA, partials)) {
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
            cr,
            first.buffer(),
            second.buffer());
        if (cdGamma != null) sumMiddle(first.buffer(), 1, plan.slices(), cols, 1f, cdGamma);
        if (cdBeta != null) sumMiddle(second.buffer(), 1, plan.slices(), cols, 1f, cdBeta);
      }
    }
    if (rows <= 0) return;
    ClKernel kernel = programs.kernel(LAYERNORM, "layer_norm_backward");
    kernel.launch(rowGroups(kernel, rows, cols), cx, cdy, cols, cm, cr, cg, gamma != null, cdx);
  }

  /**
   * One work group per row: a power of two up to 256 work items on a GPU; on a CPU device at most
   * the kernel's preferred multiple (its vector width), since each group runs on one core anyway.
   */
  private WorkSizes.Range rowGroups(ClKernel kernel, int rows, int cols) {
    long limit =
        Math.min(
            WorkSizes.MAX_GROUP,
            Math.min(kernel.maxWorkGroupSize(), cl.device().maxWorkGroupSize()));
    if (!cl.device().gpu()) limit = Math.min(limit, kernel.preferredMultiple());
    long local = 1;
    while (local * 2 <= limit && local < cols) local *= 2;
    return new WorkSizes.Range(new long[] {rows * local}, new long[] {local});
  }

  // ---------------------------------------------------------------- argument checks

  /** conv.cl and pool.cl index in 32 bits (64-bit division is slow on CPUs): sizes must fit. */
  private static int int32(long size, String what) {
    return Ranges.int32("OpenCL", size, what);
  }

  /** The buffer as ours, after checking that {@code [offset, offset + len)} lies inside it. */
  private ClBuffer range(DeviceBuffer buffer, String name, long offset, long len) {
    ClBuffer b = allocator.own(buffer, name);
    Ranges.check(name, b, offset, len);
    return b;
  }
}
