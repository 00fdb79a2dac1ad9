package org.cnn4j.backend.opencl;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import java.util.Arrays;
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
