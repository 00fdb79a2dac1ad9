package org.cnn4j.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.DropoutRng;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.MemoryStats;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;

/**
 * The CPU backend. GEMM (and so convolution, through im2col) runs in OpenBLAS; the memory-bound
 * element-wise work runs in Java loops over direct buffers, split across threads when large. Every
 * op is synchronous, so {@link #synchronize()} has nothing to wait for.
 */
final class CpuBackend implements Backend {
  private static final float CLIP = 1e-7f;

  private final BufferPool pool;
  private final Parallel parallel;
  private final CpuTensorOps tensorOps;
  private final String description;

  /** oneDNN's convolutions when its library loaded, else null (im2col + OpenBLAS throughout). */
  private final DnnlConvolutions dnnl;

  /** Single-threaded views sharing {@link #pool}, one per thread, for batch-split work; or none. */
  private final List<Backend> lanes;

  /** Whether this is a lane (its pool belongs to the backend that made it). */
  private final boolean lane;

  /**
   * @param lanes whether to offer {@code threads} single-threaded lanes ({@link Backend#lanes()}):
   *     then a model splits each batch across them, and oneDNN must run one thread per call
   *     (OMP_NUM_THREADS=1), or each lane's call would start an OpenMP team of its own
   */
  CpuBackend(int threads, Map<String, String> details, boolean useOnednn, boolean lanes) {
    this.pool = new BufferPool();
    this.lane = false;
    this.parallel = new Parallel(threads);
    this.tensorOps = new CpuTensorOps(parallel);
    openblas_full.openblas_set_num_threads(1);
    this.dnnl = useOnednn ? new DnnlConvolutions() : null;
    int laneCount = lanes && threads > 1 ? threads : 0;
    List<Backend> views = new ArrayList<>();
    for (int i = 0; i < laneCount; i++) {
      views.add(new CpuBackend(pool, useOnednn ? new DnnlConvolutions() : null, "lane " + i));
    }
    this.lanes = List.copyOf(views);
    this.description =
        "OpenBLAS "
            + details.getOrDefault("blas", "?")
            + (dnnl != null ? ", oneDNN " + details.getOrDefault("onednn", "?") : "")
            + ", "
            + threads
            + " threads"
            + (this.lanes.isEmpty() ? "" : " (batches split into " + threads + " lanes)");
  }

  private CpuBackend(BufferPool shared, DnnlConvolutions dnnl, String description) {
    this.pool = shared;
    this.lane = true;
    this.parallel = new Parallel(1);
    this.tensorOps = new CpuTensorOps(parallel);
    this.dnnl = dnnl;
    this.lanes = List.of();
    this.description = description;
  }

  @Override
  public List<Backend> lanes() {
    return lanes;
  }

  private boolean viaOnednn(Conv2dSpec s) {
    return dnnl != null && DnnlConvolutions.supports(s);
  }

  @Override
  public String id() {
    return CpuBackendProvider.ID;
  }

  @Override
  public String description() {
    return description;
  }

  // ---------------------------------------------------------------- memory

  @Override
  public DeviceBuffer allocate(long length) {
    return pool.allocate(length);
  }

  private static CpuBuffer buf(DeviceBuffer b) {
    if (!(b instanceof CpuBuffer c)) {
      throw new IllegalArgumentException("not a cpu buffer: " + b);
    }
    if (c.isClosed()) throw new IllegalStateException("cpu buffer used after close()");
    return c;
  }

  private static Floats data(DeviceBuffer b) {
    return buf(b).data;
  }

  private static void checkRange(String op, DeviceBuffer b, long offset, long len) {
    Ranges.check(op, b, offset, len);
  }

  @Override
  public void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    checkRange("upload", dst, dstOffset, len);
    data(dst).put((int) dstOffset, src, srcOffset, len);
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    checkRange("download", src, srcOffset, len);
    data(src).get((int) srcOffset, dst, dstOffset, len);
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    checkRange("copy", src, srcOffset, len);
    checkRange("copy", dst, dstOffset, len);
    data(dst).put((int) dstOffset, data(src), (int) srcOffset, (int) len);
  }

  @Override
  public void fill(DeviceBuffer b, long offset, long len, float value) {
    checkRange("fill", b, offset, len);
    if (value == 0f && Float.floatToRawIntBits(value) == 0) {
      data(b).zero(offset, len);
      return;
    }
    Floats d = data(b);
    int from = (int) offset;
    parallel.forRange(
        (int) len,
        len,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) d.put(from + i, value);
        });
  }

  private static FloatPointer at(DeviceBuffer b, long offset) {
    return new FloatPointer(buf(b).pointer).position(offset);
  }

  @Override
  public MemoryStats memoryStats() {
    return pool.stats();
  }

  @Override
  public void synchronize() {
    // Every op has finished when it returns.
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
    checkMatrix("A", a, aOffset, transA ? k : m, transA ? m : k, lda);
    checkMatrix("B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
    checkMatrix("C", c, cOffset, m, n, ldc);
    if (m == 0 || n == 0) return;
    long work = (long) m * n * Math.max(k, 1);
    int parts = (int) Math.min(parallel.threads(), work / MIN_GEMM_WORK_PER_THREAD);
    // OpenBLAS runs single-threaded and the split happens here, so its threads never spin against
    // ours, and small GEMMs (most of a small CNN) stay on the caller.
    if (parts <= 1 || k == 0) {
      sgemm(
          transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    } else if (m >= parts * 8L || m >= n && m >= parts) {
      parallel.forRange(
          parts,
          work,
          (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
              int r0 = (int) ((long) m * p / parts);
              int r1 = (int) ((long) m * (p + 1) / parts);
              long aPart = transA ? aOffset + r0 : aOffset + (long) r0 * lda;
              sgemm(
                  transA,
                  transB,
                  r1 - r0,
                  n,
                  k,
                  alpha,
                  a,
                  aPart,
                  lda,
                  b,
                  bOffset,
                  ldb,
                  beta,
                  c,
                  cOffset + (long) r0 * ldc,
                  ldc);
            }
          });
    } else if (n >= parts * 8L) {
      parallel.forRange(
          parts,
          work,
          (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
              int c0 = (int) ((long) n * p / parts);
              int c1 = (int) ((long) n * (p + 1) / parts);
              long bPart = transB ? bOffset + (long) c0 * ldb : bOffset + c0;
              sgemm(
                  transA,
                  transB,
                  m,
                  c1 - c0,
                  k,
                  alpha,
                  a,
                  aOffset,
                  lda,
                  b,
                  bPart,
                  ldb,
                  beta,
                  c,
                  cOffset + c0,
                  ldc);
            }
          });
    } else {
      splitReduction(
          parts, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset,
          ldc);
    }
  }

  /** Below this many multiply-adds a GEMM is not worth a second thread. */
  private static final long MIN_GEMM_WORK_PER_THREAD = 1L << 18;

  /**
   * A small C with a long reduction (a filter gradient): each part reduces a slice of k into its
   * own partial C, and the partials are added.
   */
  private void splitReduction(
      int parts,
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
    try (DeviceBuffer partial = allocate((long) parts * m * n)) {
      parallel.forRange(
          parts,
          (long) m * n * k,
          (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
              int k0 = (int) ((long) k * p / parts);
              int k1 = (int) ((long) k * (p + 1) / parts);
              long aPart = transA ? aOffset + (long) k0 * lda : aOffset + k0;
              long bPart = transB ? bOffset + k0 : bOffset + (long) k0 * ldb;
              sgemm(
                  transA,
                  transB,
                  m,
                  n,
                  k1 - k0,
                  1f,
                  a,
                  aPart,
                  lda,
                  b,
                  bPart,
                  ldb,
                  0f,
                  partial,
                  (long) p * m * n,
                  n);
            }
          });
      Floats sum = data(partial);
      Floats out = data(c);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float acc = 0;
          for (int p = 0; p < parts; p++) acc += sum.get(p * m * n + i * n + j);
          int ci = (int) (cOffset + (long) i * ldc + j);
          out.put(ci, beta == 0f ? alpha * acc : alpha * acc + beta * out.get(ci));
        }
      }
    }
  }

  private static void sgemm(
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
    openblas_full.cblas_sgemm(
        openblas_full.CblasRowMajor,
        transA ? openblas_full.CblasTrans : openblas_full.CblasNoTrans,
        transB ? openblas_full.CblasTrans : openblas_full.CblasNoTrans,
        m,
        n,
        k,
        alpha,
        at(a, aOffset),
        lda,
        at(b, bOffset),
        ldb,
        beta,
        at(c, cOffset),
        ldc);
  }

  private static void checkMatrix(
      String name, DeviceBuffer b, long offset, int rows, int cols, int ld) {
    Ranges.checkMatrix("gemm " + name, b, offset, rows, cols, ld);
  }

  // ---------------------------------------------------------------- convolution

  @Override
  public void im2col(
      Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    checkRange("im2col", x, 0, s.inputLength());
    checkRange(
        "im2col",
        cols,
        0,
        (long) count * s.outH() * s.outW() * s.kh() * s.kw() * (s.c() / s.groups()));
    parallel.forRange(
        count,
        (long) count * s.outH() * s.outW() * s.kh() * s.kw() * s.c(),
        (lo, hi) ->
            unfold(
                s,
                x,
                first + lo,
                hi - lo,
                group,
                cols,
                (long) lo * s.outH() * s.outW() * s.kh() * s.kw() * (s.c() / s.groups())));
  }

  /**
   * im2col of images [first, first + count) into cols at offset, on the calling thread. Loops run
   * tap by tap with the output column innermost, over the range of columns whose tap lies inside
   * the image, so the inner loop has no bounds tests (with one channel it copies single floats).
   */
  private static void unfold(
      Conv2dSpec s,
      DeviceBuffer x,
      int first,
      int count,
      int group,
      DeviceBuffer cols,
      long offset) {
    Floats in = data(x);
    Floats out = data(cols);
    int cg = s.c() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int outW = s.outW();
    for (int r = 0; r < count * s.outH(); r++) {
      int img = first + r / s.outH();
      int oy = r % s.outH();
      int rowBase = (int) offset + r * outW * k;
      for (int ky = 0; ky < s.kh(); ky++) {
        int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
        for (int kx = 0; kx < s.kw(); kx++) {
          int tap = (ky * s.kw() + kx) * cg;
          int shift = kx * s.dilationW() - s.padLeft();
          // A kernel wider than the padded image can have no tap inside: lo past the last column.
          int lo = iy < 0 || iy >= s.h() ? outW : Math.min(outW, firstInside(shift, s.strideW()));
          int hi =
              iy < 0 || iy >= s.h()
                  ? outW
                  : Math.min(outW, lastInside(shift, s.strideW(), s.w()) + 1);
          if (hi < lo) hi = lo;
          for (int ox = 0; ox < lo; ox++) zero(out, rowBase + ox * k + tap, cg);
          for (int ox = Math.max(hi, lo); ox < outW; ox++) zero(out, rowBase + ox * k + tap, cg);
          if (lo >= hi) continue;
          int src = ((img * s.h() + iy) * s.w() + lo * s.strideW() + shift) * s.c() + group * cg;
          int srcStep = s.strideW() * s.c();
          int dst = rowBase + lo * k + tap;
          if (cg == 1) {
            for (int ox = lo; ox < hi; ox++, src += srcStep, dst += k) out.put(dst, in.get(src));
          } else if (cg < 16) {
            // A bulk copy costs more than it saves below a few dozen bytes.
            for (int ox = lo; ox < hi; ox++, src += srcStep, dst += k) {
              for (int ci = 0; ci < cg; ci++) out.put(dst + ci, in.get(src + ci));
            }
          } else {
            for (int ox = lo; ox < hi; ox++, src += srcStep, dst += k) out.put(dst, in, src, cg);
          }
        }
      }
    }
  }

  /** The first output column whose tap, at {@code ox * stride + shift}, is >= 0. */
  private static int firstInside(int shift, int stride) {
    return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  }

  /** The last output column whose tap is < width (may be negative: none). */
  private static int lastInside(int shift, int stride, int width) {
    int room = width - 1 - shift;
    return room < 0 ? -1 : room / stride;
  }

  private static void zero(Floats out, int at, int len) {
    for (int i = 0; i < len; i++) out.put(at + i, 0f);
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    checkRange("col2im", dx, 0, s.inputLength());
    checkRange(
        "col2im",
        cols,
        0,
        (long) count * s.outH() * s.outW() * s.kh() * s.kw() * (s.c() / s.groups()));
    // One image per task: images own disjoint parts of dx, so the adds never race.
    parallel.forRange(
        count,
        (long) count * s.outH() * s.outW() * s.kh() * s.kw() * s.c(),
        (lo, hi) ->
            fold(
                s,
                cols,
                (long) lo * s.outH() * s.outW() * s.kh() * s.kw() * (s.c() / s.groups()),
                first + lo,
                hi - lo,
                group,
                dx));
  }

  /**
   * col2im of cols at offset into images [first, first + count) of dx (adding), on the calling
   * thread.
   */
  private static void fold(
      Conv2dSpec s,
      DeviceBuffer cols,
      long offset,
      int first,
      int count,
      int group,
      DeviceBuffer dx) {
    Floats in = data(cols);
    Floats out = data(dx);
    int cg = s.c() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int outW = s.outW();
    for (int r = 0; r < count * s.outH(); r++) {
      int img = first + r / s.outH();
      int oy = r % s.outH();
      int rowBase = (int) offset + r * outW * k;
      for (int ky = 0; ky < s.kh(); ky++) {
        int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
        if (iy < 0 || iy >= s.h()) continue;
        for (int kx = 0; kx < s.kw(); kx++) {
          int tap = (ky * s.kw() + kx) * cg;
          int shift = kx * s.dilationW() - s.padLeft();
          int lo = firstInside(shift, s.strideW());
          int hi = Math.min(outW, lastInside(shift, s.strideW(), s.w()) + 1);
          int dst = ((img * s.h() + iy) * s.w() + lo * s.strideW() + shift) * s.c() + group * cg;
          int dstStep = s.strideW() * s.c();
          int src = rowBase + lo * k + tap;
          if (cg == 1) {
            for (int ox = lo; ox < hi; ox++, src += k, dst += dstStep)
              out.put(dst, out.get(dst) + in.get(src));
          } else {
            for (int ox = lo; ox < hi; ox++, src += k, dst += dstStep) {
              for (int ci = 0; ci < cg; ci++)
                out.put(dst + ci, out.get(dst + ci) + in.get(src + ci));
            }
          }
        }
      }
    }
  }

  /** Whether the first {@code n} floats hold a NaN. */
  private boolean hasNaN(DeviceBuffer b, long n) {
    Floats d = data(b);
    int parts = (int) Math.max(1, Math.min(parallel.threads(), n / Parallel.MIN_WORK_PER_THREAD));
    boolean[] found = new boolean[parts];
    parallel.forRange(
        parts,
        n,
        (lo, hi) -> {
          for (int p = lo; p < hi; p++) {
            int end = (int) (n * (p + 1) / parts);
            for (int i = (int) (n * p / parts); i < end; i++) {
              float v = d.get(i);
              if (v != v) {
                found[p] = true;
                break;
              }
            }
          }
        });
    for (boolean f : found) if (f) return true;
    return false;
  }

  /** Checks an input-shaped, a kernel-shaped and an output-shaped buffer of a convolution. */
  private static void checkConv(
      String op, Conv2dSpec s, DeviceBuffer input, DeviceBuffer kernel, DeviceBuffer output) {
    checkRange(op, input, 0, s.inputLength());
    checkRange(op, kernel, 0, s.kernelLength());
    checkRange(op, output, 0, s.outputLength());
  }

  /** A 1x1, stride-1, unpadded, ungrouped convolution is a plain GEMM on the input: no im2col. */
  private static boolean isPointwise(Conv2dSpec s) {
    return s.kh() == 1
        && s.kw() == 1
        && s.strideH() == 1
        && s.strideW() == 1
        && s.groups() == 1
        && s.padTop() == 0
        && s.padLeft() == 0;
  }

  /**
   * Images per im2col chunk: small enough that a chunk's columns (about 384 KiB) are still in the
   * core's cache when its GEMM reads them, so the unfolded matrix never travels to memory.
   */
  private static int cacheChunk(Conv2dSpec s, int k) {
    long perImage = (long) s.outH() * s.outW() * k;
    return (int) Math.max(1, Math.min(s.n(), (96L << 10) / Math.max(1, perImage)));
  }

  /** Runs {@code body(first, count, scratch)} over image chunks, one thread per range of chunks. */
  private void forChunks(Conv2dSpec s, int k, ChunkBody body) {
    forChunks(s, k, 0, body);
  }

  /**
   * As {@link #forChunks(Conv2dSpec, int, ChunkBody)}, with {@code extraPerPixel} more scratch
   * floats per output pixel after the columns (for the fused backward's dz).
   */
  private void forChunks(Conv2dSpec s, int k, int extraPerPixel, ChunkBody body) {
    int chunk = cacheChunk(s, k + extraPerPixel);
    int chunks = (s.n() + chunk - 1) / chunk;
    int parts = Math.min(parallel.threads(), chunks);
    long scratchLength = (long) chunk * s.outH() * s.outW() * (k + extraPerPixel);
    try (DeviceBuffer scratch = allocate(parts * scratchLength)) {
      parallel.forRange(
          parts,
          (long) s.n() * s.outH() * s.outW() * k * s.filters(),
          (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
              int c0 = (int) ((long) chunks * p / parts);
              int c1 = (int) ((long) chunks * (p + 1) / parts);
              for (int ci = c0; ci < c1; ci++) {
                int first = ci * chunk;
                body.run(p, first, Math.min(chunk, s.n() - first), scratch, p * scratchLength);
              }
            }
          });
    }
  }

  @FunctionalInterface
  private interface ChunkBody {
    void run(int part, int first, int count, DeviceBuffer scratch, long scratchOffset);
  }

  @Override
  public void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    if (viaOnednn(s)) {
      checkConv("conv2dForward", s, x, kernel, y);
      dnnl.forward(s, buf(x), buf(kernel), null, ActivationKind.LINEAR, 0f, buf(y));
      return;
    }
    if (isPointwise(s)) {
      gemm(
          false,
          false,
          s.n() * s.h() * s.w(),
          s.filters(),
          s.c(),
          1f,
          x,
          0,
          s.c(),
          kernel,
          0,
          s.filters(),
          0f,
          y,
          0,
          s.filters());
      return;
    }
    checkRange("conv2dForward", x, 0, s.inputLength());
    checkRange("conv2dForward", kernel, 0, s.kernelLength());
    checkRange("conv2dForward", y, 0, s.outputLength());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    forChunks(
        s,
        k,
        (part, first, count, scratch, off) -> {
          for (int g = 0; g < s.groups(); g++) {
            unfold(s, x, first, count, g, scratch, off);
            sgemm(
                false,
                false,
                count * pixels,
                fg,
                k,
                1f,
                scratch,
                off,
                k,
                kernel,
                (long) g * fg,
                s.filters(),
                0f,
                y,
                (long) first * pixels * s.filters() + (long) g * fg,
                s.filters());
          }
        });
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
    if (viaOnednn(s)) {
      checkConv("conv2dForwardFused", s, x, kernel, y);
      if (bias != null) checkRange("conv2dForwardFused", bias, 0, s.filters());
      // oneDNN's ReLU post-op turns NaN into 0, which would hide a diverged model from
      // TerminateOnNaN. So the post-op runs only on NaN-free operands (a read of the inputs,
      // cheaper
      // than another pass over the larger output); otherwise our activation keeps NaN, as Keras
      // does.
      boolean clean =
          DnnlConvolutions.hasActivation(kind)
              && !hasNaN(x, s.inputLength())
              && !hasNaN(kernel, s.kernelLength())
              && (bias == null || !hasNaN(bias, s.filters()));
      dnnl.forward(
          s,
          buf(x),
          buf(kernel),
          bias == null ? null : buf(bias),
          clean ? kind : ActivationKind.LINEAR,
          alpha,
          buf(y));
      if (!clean && kind != ActivationKind.LINEAR) {
        biasActivationForward(kind, alpha, y, null, s.n() * s.outH() * s.outW(), s.filters());
      }
      return;
    }
    if (isPointwise(s)) {
      Backend.super.conv2dForwardFused(s, x, kernel, bias, kind, alpha, y);
      return;
    }
    checkRange("conv2dForwardFused", x, 0, s.inputLength());
    checkRange("conv2dForwardFused", kernel, 0, s.kernelLength());
    checkRange("conv2dForwardFused", y, 0, s.outputLength());
    if (bias != null) checkRange("conv2dForwardFused", bias, 0, s.filters());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    float[] b = new float[s.filters()];
    if (bias != null) data(bias).get(0, b, 0, b.length);
    Floats out = data(y);
    forChunks(
        s,
        k,
        (part, first, count, scratch, off) -> {
          for (int g = 0; g < s.groups(); g++) {
            unfold(s, x, first, count, g, scratch, off);
            sgemm(
                false,
                false,
                count * pixels,
                fg,
                k,
                1f,
                scratch,
                off,
                k,
                kernel,
                (long) g * fg,
                s.filters(),
                0f,
                y,
                (long) first * pixels * s.filters() + (long) g * fg,
                s.filters());
          }
          // The chunk's output is still in cache: finish it here instead of in another pass.
          epilogue(kind, alpha, out, b, first * pixels, (first + count) * pixels, s.filters());
        });
  }

  private static void epilogue(
      ActivationKind kind, float alpha, Floats out, float[] b, int r0, int r1, int cols) {
    if (kind == ActivationKind.RELU) {
      for (int r = r0; r < r1; r++) {
        int base = r * cols;
        for (int j = 0; j < cols; j++) out.put(base + j, Math.max(out.get(base + j) + b[j], 0f));
      }
    } else {
      for (int r = r0; r < r1; r++) {
        int base = r * cols;
        for (int j = 0; j < cols; j++)
          out.put(base + j, activate(kind, alpha, out.get(base + j) + b[j]));
      }
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
    if (viaOnednn(s)) {
      checkConv("conv2dBackwardFused", s, x, kernel, y);
      checkRange("conv2dBackwardFused", dy, 0, s.outputLength());
      checkRange("conv2dBackwardFused", dKernel, 0, s.kernelLength());
      if (dx != null) checkRange("conv2dBackwardFused", dx, 0, s.inputLength());
      if (dBias != null) checkRange("conv2dBackwardFused", dBias, 0, s.filters());
      // dz in one Java pass; oneDNN's weights pass adds up the bias gradient itself.
      try (DeviceBuffer dz = allocate(s.outputLength())) {
        int rows = s.n() * s.outH() * s.outW();
        if (kind == ActivationKind.LINEAR) copy(dy, 0, dz, 0, s.outputLength());
        else if (DnnlConvolutions.hasActivation(kind))
          dnnl.activationBackward(kind, alpha, buf(y), buf(dy), buf(dz), rows, s.filters());
        else activationBackward(kind, alpha, y, y, dy, dz, s.outputLength());
        dnnl.backwardWeights(s, buf(x), buf(dz), buf(dKernel), dBias == null ? null : buf(dBias));
        if (dx != null) dnnl.backwardData(s, buf(dz), buf(kernel), buf(dx));
      }
      return;
    }
    if (isPointwise(s)) {
      Backend.super.conv2dBackwardFused(s, x, kernel, y, dy, kind, alpha, dx, dKernel, dBias);
      return;
    }
    checkRange("conv2dBackwardFused", x, 0, s.inputLength());
    checkRange("conv2dBackwardFused", kernel, 0, s.kernelLength());
    checkRange("conv2dBackwardFused", y, 0, s.outputLength());
    checkRange("conv2dBackwardFused", dy, 0, s.outputLength());
    checkRange("conv2dBackwardFused", dKernel, 0, s.kernelLength());
    if (dx != null) checkRange("conv2dBackwardFused", dx, 0, s.inputLength());
    if (dBias != null) checkRange("conv2dBackwardFused", dBias, 0, s.filters());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int f = s.filters();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    long kernelLength = s.kernelLength();
    long imageLength = (long) s.h() * s.w() * s.c();
    int chunk = cacheChunk(s, k + f);
    int parts = Math.min(parallel.threads(), (s.n() + chunk - 1) / chunk);
    Floats out = data(y);
    Floats g = data(dy);
    // Per chunk, in cache: dz from dy and y, then the kernel gradient (im2col of x) and the input
    // gradient (dz times the kernel, folded); each thread keeps partial kernel and bias sums.
    try (DeviceBuffer partial = allocate(parts * kernelLength)) {
      boolean[] started = new boolean[parts];
      float[][] biasSums = new float[parts][f];
      forChunks(
          s,
          k,
          f,
          (part, first, count, scratch, off) -> {
            int rows = count * pixels;
            long dzOff = off + (long) rows * k;
            Floats dz = data(scratch);
            float[] acc = biasSums[part];
            int src = first * pixels * f;
            int dst = (int) dzOff;
            for (int r = 0; r < rows; r++, src += f, dst += f) {
              for (int j = 0; j < f; j++) {
                float v =
                    kind == ActivationKind.RELU
                        ? (out.get(src + j) > 0 ? g.get(src + j) : 0f)
                        : derivative(kind, alpha, out.get(src + j), g.get(src + j));
                dz.put(dst + j, v);
                acc[j] += v;
              }
            }
            for (int gr = 0; gr < s.groups(); gr++) {
              unfold(s, x, first, count, gr, scratch, off);
              sgemm(
                  true,
                  false,
                  k,
                  fg,
                  rows,
                  1f,
                  scratch,
                  off,
                  k,
                  scratch,
                  dzOff + (long) gr * fg,
                  f,
                  started[part] ? 1f : 0f,
                  partial,
                  part * kernelLength + (long) gr * fg,
                  f);
            }
            started[part] = true;
            if (dx != null) {
              data(dx).zero(first * imageLength, count * imageLength);
              for (int gr = 0; gr < s.groups(); gr++) {
                sgemm(
                    false,
                    true,
                    rows,
                    k,
                    fg,
                    1f,
                    scratch,
                    dzOff + (long) gr * fg,
                    f,
                    kernel,
                    (long) gr * fg,
                    f,
                    0f,
                    scratch,
                    off,
                    k);
                fold(s, scratch, off, first, count, gr, dx);
              }
            }
          });
      Floats sum = data(partial);
      Floats dk = data(dKernel);
      for (int i = 0; i < (int) kernelLength; i++) {
        float a = 0;
        for (int p = 0; p < parts; p++) a += sum.get((int) (p * kernelLength) + i);
        dk.put(i, a);
      }
      if (dBias != null) {
        Floats db = data(dBias);
        for (int j = 0; j < f; j++) {
          float a = 0;
          for (float[] b : biasSums) a += b[j];
          db.put(j, a);
        }
      }
    }
  }

  @Override
  public void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    if (viaOnednn(s)) {
      checkConv("conv2dBackwardData", s, dx, kernel, dy);
      dnnl.backwardData(s, buf(dy), buf(kernel), buf(dx));
      return;
    }
    if (isPointwise(s)) {
      gemm(
          false,
          true,
          s.n() * s.h() * s.w(),
          s.c(),
          s.filters(),
          1f,
          dy,
          0,
          s.filters(),
          kernel,
          0,
          s.filters(),
          0f,
          dx,
          0,
          s.c());
      return;
    }
    checkRange("conv2dBackwardData", dy, 0, s.outputLength());
    checkRange("conv2dBackwardData", kernel, 0, s.kernelLength());
    checkRange("conv2dBackwardData", dx, 0, s.inputLength());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    long imageLength = (long) s.h() * s.w() * s.c();
    forChunks(
        s,
        k,
        (part, first, count, scratch, off) -> {
          data(dx).zero(first * imageLength, count * imageLength);
          for (int g = 0; g < s.groups(); g++) {
            sgemm(
                false,
                true,
                count * pixels,
                k,
                fg,
                1f,
                dy,
                (long) first * pixels * s.filters() + (long) g * fg,
                s.filters(),
                kernel,
                (long) g * fg,
                s.filters(),
                0f,
                scratch,
                off,
                k);
            fold(s, scratch, off, first, count, g, dx);
          }
        });
  }

  @Override
  public void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    if (viaOnednn(s)) {
      checkConv("conv2dBackwardFilter", s, x, dKernel, dy);
      dnnl.backwardWeights(s, buf(x), buf(dy), buf(dKernel), null);
      return;
    }
    ownBackwardFilter(s, x, dy, dKernel);
  }

  /** The kernel gradient by im2col + GEMM per cache-sized chunk, one partial sum per thread. */
  private void ownBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    if (isPointwise(s)) {
      gemm(
          true,
          false,
          s.c(),
          s.filters(),
          s.n() * s.h() * s.w(),
          1f,
          x,
          0,
          s.c(),
          dy,
          0,
          s.filters(),
          0f,
          dKernel,
          0,
          s.filters());
      return;
    }
    checkRange("conv2dBackwardFilter", x, 0, s.inputLength());
    checkRange("conv2dBackwardFilter", dy, 0, s.outputLength());
    checkRange("conv2dBackwardFilter", dKernel, 0, s.kernelLength());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    long kernelLength = s.kernelLength();
    int parts = Math.min(parallel.threads(), (s.n() + cacheChunk(s, k) - 1) / cacheChunk(s, k));
    // Each thread accumulates its own partial kernel gradient; the partials are added at the end.
    try (DeviceBuffer partial = allocate(parts * kernelLength)) {
      boolean[] started = new boolean[parts];
      forChunks(
          s,
          k,
          (part, first, count, scratch, off) -> {
            for (int g = 0; g < s.groups(); g++) {
              unfold(s, x, first, count, g, scratch, off);
              sgemm(
                  true,
                  false,
                  k,
                  fg,
                  count * pixels,
                  1f,
                  scratch,
                  off,
                  k,
                  dy,
                  (long) first * pixels * s.filters() + (long) g * fg,
                  s.filters(),
                  started[part] ? 1f : 0f,
                  partial,
                  part * kernelLength + (long) g * fg,
                  s.filters());
            }
            started[part] = true;
          });
      Floats sum = data(partial);
      Floats out = data(dKernel);
      for (int i = 0; i < (int) kernelLength; i++) {
        float acc = 0;
        for (int p = 0; p < parts; p++) acc += sum.get((int) (p * kernelLength) + i);
        out.put(i, acc);
      }
    }
  }

  // ---------------------------------------------------------------- pooling

  @Override
  public void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    checkRange("maxPool2dForward", x, 0, s.inputLength());
    checkRange("maxPool2dForward", y, 0, s.outputLength());
    if (dnnl != null && DnnlConvolutions.supports(s)) {
      dnnl.maxPoolForward(s, buf(x), buf(y));
      return;
    }
    if (isTiled2x2(s)) {
      maxPool2x2Forward(s, data(x), data(y));
      return;
    }
    Floats in = data(x);
    Floats out = data(y);
    int c = s.c();
    int rows = s.n() * s.outH();
    // Window positions outside, channels inside: each step reads a contiguous run of c floats.
    parallel.forRange(
        rows,
        (long) rows * s.outW() * c * s.poolH() * s.poolW(),
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int img = r / s.outH();
            int oy = r % s.outH();
            int y0 = Math.max(0, oy * s.strideH() - s.padTop());
            int y1 = Math.min(s.h(), oy * s.strideH() - s.padTop() + s.poolH());
            for (int ox = 0; ox < s.outW(); ox++) {
              int x0 = Math.max(0, ox * s.strideW() - s.padLeft());
              int x1 = Math.min(s.w(), ox * s.strideW() - s.padLeft() + s.poolW());
              int dst = (r * s.outW() + ox) * c;
              out.put(dst, in, ((img * s.h() + y0) * s.w() + x0) * c, c);
              for (int iy = y0; iy < y1; iy++) {
                for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                  int src = ((img * s.h() + iy) * s.w() + ix) * c;
                  for (int ch = 0; ch < c; ch++) {
                    float v = in.get(src + ch);
                    if (v > out.get(dst + ch)) out.put(dst + ch, v);
                  }
                }
              }
            }
          }
        });
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    checkRange("maxPool2dBackward", x, 0, s.inputLength());
    checkRange("maxPool2dBackward", dx, 0, s.inputLength());
    checkRange("maxPool2dBackward", dy, 0, s.outputLength());
    if (dnnl != null && DnnlConvolutions.supports(s)) {
      dnnl.maxPoolBackward(s, buf(x), buf(dy), buf(dx));
      return;
    }
    if (isTiled2x2(s)) {
      maxPool2x2Backward(s, data(x), data(dy), data(dx));
      return;
    }
    Floats in = data(x);
    Floats g = data(dy);
    Floats out = data(dx);
    int c = s.c();
    fill(dx, 0, s.inputLength(), 0f);
    // One image per task (overlapping windows add into shared dx cells of that image only).
    // Scanning positions in row-major order with a strict '>' keeps the first maximum: the ties
    // rule.
    parallel.forRange(
        s.n(),
        s.outputLength() * s.poolH() * s.poolW(),
        (lo, hi) -> {
          float[] best = new float[c];
          int[] where = new int[c];
          for (int img = lo; img < hi; img++) {
            for (int oy = 0; oy < s.outH(); oy++) {
              int y0 = Math.max(0, oy * s.strideH() - s.padTop());
              int y1 = Math.min(s.h(), oy * s.strideH() - s.padTop() + s.poolH());
              for (int ox = 0; ox < s.outW(); ox++) {
                int x0 = Math.max(0, ox * s.strideW() - s.padLeft());
                int x1 = Math.min(s.w(), ox * s.strideW() - s.padLeft() + s.poolW());
                int first = ((img * s.h() + y0) * s.w() + x0) * c;
                for (int ch = 0; ch < c; ch++) {
                  best[ch] = in.get(first + ch);
                  where[ch] = first + ch;
                }
                for (int iy = y0; iy < y1; iy++) {
                  for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                    int src = ((img * s.h() + iy) * s.w() + ix) * c;
                    for (int ch = 0; ch < c; ch++) {
                      float v = in.get(src + ch);
                      if (v > best[ch]) {
                        best[ch] = v;
                        where[ch] = src + ch;
                      }
                    }
                  }
                }
                int o = ((img * s.outH() + oy) * s.outW() + ox) * c;
                for (int ch = 0; ch < c; ch++)
                  out.put(where[ch], out.get(where[ch]) + g.get(o + ch));
              }
            }
          }
        });
  }

  /**
   * The common pooling, 2x2 windows with stride 2 that all lie inside the input (no padding at
   * either end): each input is read once.
   */
  private static boolean isTiled2x2(Pool2dSpec s) {
    return s.poolH() == 2
        && s.poolW() == 2
        && s.strideH() == 2
        && s.strideW() == 2
        && s.padTop() == 0
        && s.padLeft() == 0
        && 2 * s.outH() <= s.h()
        && 2 * s.outW() <= s.w();
  }

  private void maxPool2x2Forward(Pool2dSpec s, Floats in, Floats out) {
    int c = s.c();
    int rowLength = s.w() * c;
    int rows = s.n() * s.outH();
    parallel.forRange(
        rows,
        (long) rows * s.outW() * c * 4,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int img = r / s.outH();
            int top = ((img * s.h() + 2 * (r % s.outH())) * s.w()) * c;
            int dst = r * s.outW() * c;
            for (int ox = 0; ox < s.outW(); ox++) {
              int a = top + 2 * ox * c;
              int b = a + rowLength;
              for (int ch = 0; ch < c; ch++) {
                float v0 = in.get(a + ch);
                float v1 = in.get(a + c + ch);
                float v2 = in.get(b + ch);
                float v3 = in.get(b + c + ch);
                float m01 = v1 > v0 ? v1 : v0;
                float m23 = v3 > v2 ? v3 : v2;
                out.put(dst + ox * c + ch, m23 > m01 ? m23 : m01);
              }
            }
          }
        });
  }

  /**
   * Writes every cell of each window (the gradient at the first maximum, zero elsewhere), so only
   * the rows and columns no window covers (odd sizes) need clearing.
   */
  private void maxPool2x2Backward(Pool2dSpec s, Floats in, Floats g, Floats out) {
    int c = s.c();
    int rowLength = s.w() * c;
    int rows = s.n() * s.outH();
    clearUncovered(s, out);
    parallel.forRange(
        rows,
        (long) rows * s.outW() * c * 4,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int img = r / s.outH();
            int top = ((img * s.h() + 2 * (r % s.outH())) * s.w()) * c;
            int o = r * s.outW() * c;
            for (int ox = 0; ox < s.outW(); ox++) {
              int a = top + 2 * ox * c;
              int b = a + rowLength;
              for (int ch = 0; ch < c; ch++) {
                float v0 = in.get(a + ch);
                float v1 = in.get(a + c + ch);
                float v2 = in.get(b + ch);
                float v3 = in.get(b + c + ch);
                // Row-major order with strict '>' keeps the first maximum (the ties rule).
                int arg = 0;
                float best = v0;
                if (v1 > best) {
                  best = v1;
                  arg = 1;
                }
                if (v2 > best) {
                  best = v2;
                  arg = 2;
                }
                if (v3 > best) {
                  arg = 3;
                }
                float d = g.get(o + ox * c + ch);
                out.put(a + ch, arg == 0 ? d : 0f);
                out.put(a + c + ch, arg == 1 ? d : 0f);
                out.put(b + ch, arg == 2 ? d : 0f);
                out.put(b + c + ch, arg == 3 ? d : 0f);
              }
            }
          }
        });
  }

  /**
   * Zeroes the last row and column of each image where an odd size leaves them outside every
   * window.
   */
  private void clearUncovered(Pool2dSpec s, Floats out) {
    int c = s.c();
    boolean row = s.h() > 2 * s.outH();
    boolean col = s.w() > 2 * s.outW();
    if (!row && !col) return;
    parallel.forRange(
        s.n(),
        (long) s.n() * (s.h() + s.w()) * c,
        (lo, hi) -> {
          for (int img = lo; img < hi; img++) {
            long imageStart = (long) img * s.h() * s.w() * c;
            if (row) out.zero(imageStart + (long) (s.h() - 1) * s.w() * c, (long) s.w() * c);
            if (col) {
              for (int y = 0; y < s.h(); y++)
                out.zero(imageStart + ((long) y * s.w() + s.w() - 1) * c, c);
            }
          }
        });
  }

  @Override
  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    checkRange("avgPool2dForward", x, 0, s.inputLength());
    checkRange("avgPool2dForward", y, 0, s.outputLength());

    Floats in = data(x);
    Floats out = data(y);
    int rows = s.n() * s.outH();
    parallel.forRange(
        rows,
        (long) rows * s.outW() * s.c() * s.poolH() * s.poolW(),
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int img = r / s.outH();
            int oy = r % s.outH();
            for (int ox = 0; ox < s.outW(); ox++) {
              int dst = ((img * s.outH() + oy) * s.outW() + ox) * s.c();
              for (int ch = 0; ch < s.c(); ch++) out.put(dst + ch, 0f);
              int counted = 0;
              for (int py = 0; py < s.poolH(); py++) {
                int iy = oy * s.strideH() - s.padTop() + py;
                if (iy < 0 || iy >= s.h()) continue;
                for (int px = 0; px < s.poolW(); px++) {
                  int ix = ox * s.strideW() - s.padLeft() + px;
                  if (ix < 0 || ix >= s.w()) continue;
                  counted++;
                  int src = ((img * s.h() + iy) * s.w() + ix) * s.c();
                  for (int ch = 0; ch < s.c(); ch++)
                    out.put(dst + ch, out.get(dst + ch) + in.get(src + ch));
                }
              }
              float inv = 1f / counted;
              for (int ch = 0; ch < s.c(); ch++) out.put(dst + ch, out.get(dst + ch) * inv);
            }
          }
        });
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    checkRange("avgPool2dBackward", dx, 0, s.inputLength());
    checkRange("avgPool2dBackward", dy, 0, s.outputLength());

    Floats g = data(dy);
    Floats out = data(dx);
    fill(dx, 0, s.inputLength(), 0f);
    parallel.forRange(
        s.n(),
        s.outputLength() * s.poolH() * s.poolW(),
        (lo, hi) -> {
          for (int img = lo; img < hi; img++) {
            for (int oy = 0; oy < s.outH(); oy++) {
              int y0 = Math.max(0, oy * s.strideH() - s.padTop());
              int y1 = Math.min(s.h(), oy * s.strideH() - s.padTop() + s.poolH());
              for (int ox = 0; ox < s.outW(); ox++) {
                int x0 = Math.max(0, ox * s.strideW() - s.padLeft());
                int x1 = Math.min(s.w(), ox * s.strideW() - s.padLeft() + s.poolW());
                float inv = 1f / ((y1 - y0) * (x1 - x0));
                int o = ((img * s.outH() + oy) * s.outW() + ox) * s.c();
                for (int iy = y0; iy < y1; iy++) {
                  for (int ix = x0; ix < x1; ix++) {
                    int i = ((img * s.h() + iy) * s.w() + ix) * s.c();
                    for (int ch = 0; ch < s.c(); ch++)
                      out.put(i + ch, out.get(i + ch) + g.get(o + ch) * inv);
                  }
                }
              }
            }
          }
        });
  }

  // ---------------------------------------------------------------- element-wise

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    checkRange("activation", x, 0, n);
    checkRange("activation", y, 0, n);
    Floats in = data(x);
    Floats out = data(y);
    parallel.forRange(
        (int) n,
        n * 4,
        (lo, hi) -> {
          switch (kind) {
            case LINEAR -> {
              for (int i = lo; i < hi; i++) out.put(i, in.get(i));
            }
            case RELU -> {
              for (int i = lo; i < hi; i++) out.put(i, Math.max(in.get(i), 0f));
            }
            case LEAKY_RELU -> {
              for (int i = lo; i < hi; i++) {
                float v = in.get(i);
                out.put(i, v > 0 ? v : alpha * v);
              }
            }
            case SIGMOID -> {
              for (int i = lo; i < hi; i++)
                out.put(i, (float) (1.0 / (1.0 + Math.exp(-in.get(i)))));
            }
            case TANH -> {
              for (int i = lo; i < hi; i++) out.put(i, (float) Math.tanh(in.get(i)));
            }
            default -> {
              for (int i = lo; i < hi; i++)
                out.put(i, ActivationMath.apply(kind, alpha, in.get(i)));
            }
          }
        });
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
    for (DeviceBuffer b : new DeviceBuffer[] {x, y, dy, dx})
      checkRange("activationBackward", b, 0, n);

    Floats in = data(x);
    Floats out = data(y);
    Floats g = data(dy);
    Floats d = data(dx);
    parallel.forRange(
        (int) n,
        n * 4,
        (lo, hi) -> {
          switch (kind) {
            case LINEAR -> {
              for (int i = lo; i < hi; i++) d.put(i, g.get(i));
            }
            case RELU -> {
              for (int i = lo; i < hi; i++) d.put(i, in.get(i) > 0 ? g.get(i) : 0f);
            }
            case LEAKY_RELU -> {
              for (int i = lo; i < hi; i++) d.put(i, in.get(i) > 0 ? g.get(i) : alpha * g.get(i));
            }
            case SIGMOID -> {
              for (int i = lo; i < hi; i++) {
                float s = out.get(i);
                d.put(i, g.get(i) * s * (1f - s));
              }
            }
            case TANH -> {
              for (int i = lo; i < hi; i++) {
                float t = out.get(i);
                d.put(i, g.get(i) * (1f - t * t));
              }
            }
            default -> {
              for (int i = lo; i < hi; i++) {
                d.put(i, ActivationMath.backward(kind, alpha, in.get(i), out.get(i), g.get(i)));
              }
            }
          }
        });
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    Floats x = data(a);
    Floats y = data(b);
    Floats o = data(out);
    checkRange("binary", a, 0, n);
    checkRange("binary", b, 0, n);
    checkRange("binary", out, 0, n);
    parallel.forRange(
        (int) n,
        n,
        (lo, hi) -> {
          switch (op) {
            case ADD -> {
              for (int i = lo; i < hi; i++) o.put(i, x.get(i) + y.get(i));
            }
            case SUB -> {
              for (int i = lo; i < hi; i++) o.put(i, x.get(i) - y.get(i));
            }
            case MUL -> {
              for (int i = lo; i < hi; i++) o.put(i, x.get(i) * y.get(i));
            }
            default -> {
              for (int i = lo; i < hi; i++) o.put(i, CpuTensorOps.apply(op, x.get(i), y.get(i)));
            }
          }
        });
  }

  // ---------------------------------------------------------------- graph ops (CpuTensorOps)

  @Override
  public void binaryBackward(
      BinaryOp op,
      DeviceBuffer a,
      DeviceBuffer b,
      DeviceBuffer dy,
      DeviceBuffer da,
      DeviceBuffer db,
      long n) {
    for (DeviceBuffer buf : new DeviceBuffer[] {a, b, dy, da, db}) {
      if (buf != null) checkRange("binaryBackward", buf, 0, n);
    }
    tensorOps.binaryBackward(
        op,
        data(a),
        data(b),
        data(dy),
        da == null ? null : data(da),
        db == null ? null : data(db),
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
    if (!java.util.Arrays.equals(av.shape(), bv.shape())) {
      throw new IllegalArgumentException("binaryBroadcast: views of shapes " + av + " and " + bv);
    }
    checkRange("binaryBroadcast", a, 0, av.extent());
    checkRange("binaryBroadcast", b, 0, bv.extent());
    checkRange("binaryBroadcast", out, outOffset, av.size());
    tensorOps.binaryBroadcast(op, data(a), av, data(b), bv, data(out), outOffset);
  }

  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    if (!java.util.Arrays.equals(from.shape(), to.shape())) {
      throw new IllegalArgumentException("copyStrided: views of shapes " + from + " and " + to);
    }
    if (to.repeats()) {
      throw new IllegalArgumentException(
          "copyStrided: the destination " + to + " repeats elements");
    }
    checkRange("copyStrided", src, 0, from.extent());
    checkRange("copyStrided", dst, 0, to.extent());
    tensorOps.copyStrided(data(src), from, data(dst), to);
  }

  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    long size = 1;
    for (int d : shape) size *= d;
    long kept = size;
    for (int i = 0; i < axes.length; i++) {
      if (axes[i] < 0 || axes[i] >= shape.length || (i > 0 && axes[i] <= axes[i - 1])) {
        throw new IllegalArgumentException(
            "reduce: axes "
                + java.util.Arrays.toString(axes)
                + " of a rank-"
                + shape.length
                + " tensor must be distinct, ascending and in range");
      }
      kept /= shape[axes[i]];
    }
    checkRange("reduce", x, 0, size);
    checkRange("reduce", out, 0, kept);
    tensorOps.reduce(op, data(x), shape, axes, scale, data(out));
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    checkRange("resizeBilinear", x, 0, (long) n * h * w * c);
    checkRange("resizeBilinear", y, 0, (long) n * outH * outW * c);
    tensorOps.resizeBilinear(data(x), n, h, w, c, outH, outW, data(y));
  }

  @Override
  public void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    checkRange("resizeBilinearBackward", dy, 0, (long) n * outH * outW * c);
    checkRange("resizeBilinearBackward", dx, 0, (long) n * h * w * c);
    tensorOps.resizeBilinearBackward(data(dy), n, h, w, c, outH, outW, data(dx));
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
    long n = (long) rows * cols;
    checkRange("layerNormForward", x, 0, n);
    checkRange("layerNormForward", y, 0, n);
    checkRange("layerNormForward", mean, 0, rows);
    checkRange("layerNormForward", rstd, 0, rows);
    if (gamma != null) checkRange("layerNormForward", gamma, 0, cols);
    if (beta != null) checkRange("layerNormForward", beta, 0, cols);
    tensorOps.layerNormForward(
        data(x),
        rows,
        cols,
        gamma == null ? null : data(gamma),
        beta == null ? null : data(beta),
        eps,
        data(y),
        data(mean),
        data(rstd));
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
    long n = (long) rows * cols;
    checkRange("layerNormBackward", x, 0, n);
    checkRange("layerNormBackward", dy, 0, n);
    checkRange("layerNormBackward", dx, 0, n);
    checkRange("layerNormBackward", mean, 0, rows);
    checkRange("layerNormBackward", rstd, 0, rows);
    if (gamma != null) checkRange("layerNormBackward", gamma, 0, cols);
    if (dGamma != null) checkRange("layerNormBackward", dGamma, 0, cols);
    if (dBeta != null) checkRange("layerNormBackward", dBeta, 0, cols);
    tensorOps.layerNormBackward(
        data(x),
        data(dy),
        rows,
        cols,
        data(mean),
        data(rstd),
        gamma == null ? null : data(gamma),
        data(dx),
        dGamma == null ? null : data(dGamma),
        dBeta == null ? null : data(dBeta));
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    Floats in = data(x);
    Floats out = data(y);
    checkRange("axpby", x, 0, n);
    checkRange("axpby", y, 0, n);
    parallel.forRange(
        (int) n,
        n,
        (lo, hi) -> {
          if (beta == 0f) {
            for (int i = lo; i < hi; i++) out.put(i, alpha * in.get(i));
          } else {
            for (int i = lo; i < hi; i++) out.put(i, alpha * in.get(i) + beta * out.get(i));
          }
        });
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    checkRange("biasActivationForward", y, 0, (long) rows * cols);
    if (bias != null) checkRange("biasActivationForward", bias, 0, cols);
    Floats out = data(y);
    float[] b = new float[cols];
    if (bias != null) data(bias).get(0, b, 0, cols);
    // One loop per kind: a switch inside the element loop keeps HotSpot from tightening it.
    parallel.forRange(
        rows,
        (long) rows * cols,
        (lo, hi) -> {
          switch (kind) {
            case RELU -> {
              for (int r = lo; r < hi; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++)
                  out.put(base + j, Math.max(out.get(base + j) + b[j], 0f));
              }
            }
            case LINEAR -> {
              for (int r = lo; r < hi; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++) out.put(base + j, out.get(base + j) + b[j]);
              }
            }
            default -> {
              for (int r = lo; r < hi; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++)
                  out.put(base + j, activate(kind, alpha, out.get(base + j) + b[j]));
              }
            }
          }
        });
  }

  private static float activate(ActivationKind kind, float alpha, float v) {
    return ActivationMath.apply(kind, alpha, v);
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
    long n = (long) rows * cols;
    for (DeviceBuffer b : new DeviceBuffer[] {y, dy, dz})
      checkRange("activationBackwardBias", b, 0, n);
    if (dBias != null) checkRange("activationBackwardBias", dBias, 0, cols);
    Floats out = data(y);
    Floats g = data(dy);
    Floats d = data(dz);
    int parts = Math.max(1, (int) Math.min(parallel.threads(), n / Parallel.MIN_WORK_PER_THREAD));
    float[][] partial = new float[parts][cols];
    parallel.forRange(
        parts,
        n,
        (lo, hi) -> {
          for (int p = lo; p < hi; p++) {
            float[] acc = partial[p];
            int r0 = (int) ((long) rows * p / parts);
            int r1 = (int) ((long) rows * (p + 1) / parts);
            if (kind == ActivationKind.RELU) {
              for (int r = r0; r < r1; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++) {
                  float v = out.get(base + j) > 0 ? g.get(base + j) : 0f;
                  d.put(base + j, v);
                  acc[j] += v;
                }
              }
            } else {
              for (int r = r0; r < r1; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++) {
                  float v = derivative(kind, alpha, out.get(base + j), g.get(base + j));
                  d.put(base + j, v);
                  acc[j] += v;
                }
              }
            }
          }
        });
    if (dBias != null) {
      Floats db = data(dBias);
      for (int j = 0; j < cols; j++) {
        float sum = 0;
        for (float[] acc : partial) sum += acc[j];
        db.put(j, sum);
      }
    }
  }

  /** dy * f'(x) from the output y (ReLU's sign is y's). */
  private static float derivative(ActivationKind kind, float alpha, float y, float dy) {
    return ActivationMath.backward(kind, alpha, y, y, dy);
  }

  // ---------------------------------------------------------------- reductions and broadcasts

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    Floats in = data(x);
    Floats o = data(out);
    checkRange("reduceMiddle", x, 0, (long) outer * mid * inner);
    checkRange("reduceMiddle", out, 0, (long) outer * inner);
    long work = (long) outer * mid * inner;
    if (outer >= parallel.threads() || work < Parallel.MIN_WORK_PER_THREAD * 2) {
      parallel.forRange(
          outer,
          work,
          (lo, hi) -> {
            double[] acc = new double[inner];
            for (int b = lo; b < hi; b++) {
              java.util.Arrays.fill(acc, 0);
              sumRows(in, (long) b * mid * inner, 0, mid, inner, acc);
              for (int i = 0; i < inner; i++) o.put(b * inner + i, (float) (acc[i] * scale));
            }
          });
      return;
    }
    // Few outer slices (a bias gradient has one): split the middle axis and add the partial sums.
    int parts = parallel.threads();
    double[][] partial = new double[parts][inner];
    for (int b = 0; b < outer; b++) {
      long base = (long) b * mid * inner;
      parallel.forRange(
          parts,
          work,
          (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
              java.util.Arrays.fill(partial[p], 0);
              sumRows(
                  in,
                  base,
                  (int) ((long) mid * p / parts),
                  (int) ((long) mid * (p + 1) / parts),
                  inner,
                  partial[p]);
            }
          });
      for (int i = 0; i < inner; i++) {
        double s = 0;
        for (int p = 0; p < parts; p++) s += partial[p][i];
        o.put(b * inner + i, (float) (s * scale));
      }
    }
  }

  private static void sumRows(Floats in, long base, int from, int to, int inner, double[] acc) {
    for (int m = from; m < to; m++) {
      int row = (int) (base + (long) m * inner);
      for (int i = 0; i < inner; i++) acc[i] += in.get(row + i);
    }
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    Floats s = data(src);
    Floats out = data(y);
    checkRange("broadcastMiddle", src, 0, (long) outer * inner);
    checkRange("broadcastMiddle", y, 0, (long) outer * mid * inner);
    int rows = outer * mid;
    parallel.forRange(
        rows,
        (long) rows * inner,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int srcRow = (r / mid) * inner;
            int row = r * inner;
            if (beta == 0f) {
              for (int i = 0; i < inner; i++) out.put(row + i, scale * s.get(srcRow + i));
            } else {
              for (int i = 0; i < inner; i++)
                out.put(row + i, scale * s.get(srcRow + i) + beta * out.get(row + i));
            }
          }
        });
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    checkRange("softmax", x, 0, (long) rows * cols);
    checkRange("softmax", y, 0, (long) rows * cols);

    Floats in = data(x);
    Floats out = data(y);
    parallel.forRange(
        rows,
        (long) rows * cols * 8,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) softmaxRow(in, out, r * cols, cols);
        });
  }

  /** Writes the softmax of one row; returns log(sum(exp(x - max))) + max, the log-partition. */
  private static double softmaxRow(Floats in, Floats out, int base, int cols) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < cols; j++) max = Math.max(max, in.get(base + j));
    double sum = 0;
    for (int j = 0; j < cols; j++) {
      float e = (float) Math.exp(in.get(base + j) - max);
      out.put(base + j, e);
      sum += e;
    }
    float inv = (float) (1.0 / sum);
    for (int j = 0; j < cols; j++) out.put(base + j, out.get(base + j) * inv);
    return Math.log(sum) + max;
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    for (DeviceBuffer b : new DeviceBuffer[] {y, dy, dx})
      checkRange("softmaxBackward", b, 0, (long) rows * cols);

    Floats p = data(y);
    Floats g = data(dy);
    Floats d = data(dx);
    parallel.forRange(
        rows,
        (long) rows * cols * 4,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int base = r * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += g.get(base + j) * p.get(base + j);
            for (int j = 0; j < cols; j++)
              d.put(base + j, (float) (p.get(base + j) * (g.get(base + j) - dot)));
          }
        });
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
    Floats p = data(pred);
    Floats t = data(target);
    Floats l = data(lossPerRow);
    Floats g = grad == null ? null : data(grad);
    checkRange("loss", pred, 0, (long) rows * cols);
    checkRange("loss", target, 0, kind.sparseTargets() ? rows : (long) rows * cols);
    checkRange("loss", lossPerRow, 0, rows);
    if (grad != null) checkRange("loss", grad, 0, (long) rows * cols);
    parallel.forRange(
        rows,
        (long) rows * cols * 8,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int base = r * cols;
            l.put(r, (float) lossRow(kind, p, t, g, r, base, cols, gradScale));
          }
        });
  }

  private static int label(Floats t, int r, int cols) {
    float v = t.get(r);
    int label = (int) v;
    if (label != v || label < 0 || label >= cols) {
      throw new IllegalArgumentException(
          "label " + v + " in row " + r + " is not a class index in [0, " + cols + ")");
    }
    return label;
  }

  private static double lossRow(
      LossKind kind, Floats p, Floats t, Floats g, int r, int base, int cols, float scale) {
    switch (kind) {
      case SOFTMAX_CROSS_ENTROPY_SPARSE, SOFTMAX_CROSS_ENTROPY -> {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) max = Math.max(max, p.get(base + j));
        double sum = 0;
        for (int j = 0; j < cols; j++) sum += Math.exp(p.get(base + j) - max);
        double logZ = Math.log(sum) + max;
        double loss = 0;
        int label = kind.sparseTargets() ? label(t, r, cols) : -1;
        for (int j = 0; j < cols; j++) {
          double target = label >= 0 ? (j == label ? 1 : 0) : t.get(base + j);
          double logp = p.get(base + j) - logZ;
          loss -= target * logp;
          if (g != null) g.put(base + j, (float) (scale * (Math.exp(logp) - target)));
        }
        return loss;
      }
      case CROSS_ENTROPY_SPARSE, CROSS_ENTROPY -> {
        // Keras normalises the probabilities by their sum, then clips them.
        double sum = 0;
        for (int j = 0; j < cols; j++) sum += p.get(base + j);
        int label = kind.sparseTargets() ? label(t, r, cols) : -1;
        double loss = 0;
        for (int j = 0; j < cols; j++) {
          double target = label >= 0 ? (j == label ? 1 : 0) : t.get(base + j);
          double q = p.get(base + j) / sum;
          double clipped = Math.min(Math.max(q, CLIP), 1 - CLIP);
          loss -= target * Math.log(clipped);
        }
        if (g != null) {
          // d/dp_j of -sum_i t_i log(p_i / S) = -t_j / p_j + (sum_i t_i) / S over the unclipped
          // terms only: a clipped term is a constant.
          double tsum = 0;
          for (int j = 0; j < cols; j++) {
            double q = p.get(base + j) / sum;
            if (q >= CLIP && q <= 1 - CLIP)
              tsum += label >= 0 ? (j == label ? 1 : 0) : t.get(base + j);
          }
          for (int j = 0; j < cols; j++) {
            double target = label >= 0 ? (j == label ? 1 : 0) : t.get(base + j);
            double q = p.get(base + j) / sum;
            boolean clipped = q < CLIP || q > 1 - CLIP;
            double d = clipped ? 0 : -target / p.get(base + j);
            g.put(base + j, (float) (scale * (d + tsum / sum)));
          }
        }
        return loss;
      }
      case BINARY_CROSS_ENTROPY -> {
        double loss = 0;
        for (int j = 0; j < cols; j++) {
          double y = t.get(base + j);
          double q = p.get(base + j);
          double c = Math.min(Math.max(q, CLIP), 1 - CLIP);
          loss -= y * Math.log(c) + (1 - y) * Math.log(1 - c);
          if (g != null) {
            double d = (q < CLIP || q > 1 - CLIP) ? 0 : (c - y) / (c * (1 - c));
            g.put(base + j, (float) (scale * d / cols));
          }
        }
        return loss / cols;
      }
      case BINARY_CROSS_ENTROPY_LOGITS -> {
        double loss = 0;
        for (int j = 0; j < cols; j++) {
          double y = t.get(base + j);
          double z = p.get(base + j);
          // max(z, 0) - z y + log(1 + exp(-|z|)): finite for any z.
          loss += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
          if (g != null) g.put(base + j, (float) (scale * (1 / (1 + Math.exp(-z)) - y) / cols));
        }
        return loss / cols;
      }
      case MEAN_SQUARED_ERROR -> {
        double loss = 0;
        for (int j = 0; j < cols; j++) {
          double d = p.get(base + j) - t.get(base + j);
          loss += d * d;
          if (g != null) g.put(base + j, (float) (scale * 2 * d / cols));
        }
        return loss / cols;
      }
      default -> throw new IllegalArgumentException("unknown loss " + kind);
    }
  }

  // ---------------------------------------------------------------- batch normalisation

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    checkRange("batchNormStatistics", x, 0, (long) rows * cols);
    checkRange("batchNormStatistics", mean, 0, cols);
    checkRange("batchNormStatistics", variance, 0, cols);

    Floats in = data(x);
    double[] sum = columnSums(in, rows, cols, null, null);
    double[] mu = new double[cols];
    for (int j = 0; j < cols; j++) mu[j] = sum[j] / rows;
    double[] sq = columnSums(in, rows, cols, mu, null);
    Floats m = data(mean);
    Floats v = data(variance);
    for (int j = 0; j < cols; j++) {
      m.put(j, (float) mu[j]);
      v.put(j, (float) (sq[j] / rows));
    }
  }

  /**
   * Column sums of x, of (x - center)^2 when center is given, or of dy * (x - center) when dy is
   * given too; in double, split across threads by rows.
   */
  private double[] columnSums(Floats x, int rows, int cols, double[] center, Floats dy) {
    int parts = Math.max(1, Math.min(parallel.threads(), rows));
    double[][] partial = new double[parts][cols];
    parallel.forRange(
        parts,
        (long) rows * cols,
        (lo, hi) -> {
          for (int p = lo; p < hi; p++) {
            double[] acc = partial[p];
            int from = (int) ((long) rows * p / parts);
            int to = (int) ((long) rows * (p + 1) / parts);
            for (int r = from; r < to; r++) {
              int base = r * cols;
              for (int j = 0; j < cols; j++) {
                double v = x.get(base + j);
                if (center == null) acc[j] += v;
                else if (dy == null) acc[j] += (v - center[j]) * (v - center[j]);
                else acc[j] += dy.get(base + j) * (v - center[j]);
              }
            }
          }
        });
    double[] total = new double[cols];
    for (double[] p : partial) for (int j = 0; j < cols; j++) total[j] += p[j];
    return total;
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
    checkRange("batchNormApply", x, 0, (long) rows * cols);
    checkRange("batchNormApply", y, 0, (long) rows * cols);
    for (DeviceBuffer b : new DeviceBuffer[] {mean, variance, gamma, beta})
      checkRange("batchNormApply", b, 0, cols);

    Floats in = data(x);
    Floats out = data(y);
    float[] scale = new float[cols];
    float[] shift = new float[cols];
    for (int j = 0; j < cols; j++) {
      float inv = (float) (1.0 / Math.sqrt(data(variance).get(j) + (double) eps));
      scale[j] = data(gamma).get(j) * inv;
      shift[j] = data(beta).get(j) - data(mean).get(j) * scale[j];
    }
    parallel.forRange(
        rows,
        (long) rows * cols,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++)
              out.put(base + j, in.get(base + j) * scale[j] + shift[j]);
          }
        });
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
    for (DeviceBuffer b : new DeviceBuffer[] {x, dy, dx})
      checkRange("batchNormBackward", b, 0, (long) rows * cols);
    for (DeviceBuffer b : new DeviceBuffer[] {mean, variance, gamma, dGamma, dBeta})
      checkRange("batchNormBackward", b, 0, cols);

    Floats in = data(x);
    Floats g = data(dy);
    Floats d = data(dx);
    double[] mu = new double[cols];
    double[] inv = new double[cols];
    for (int j = 0; j < cols; j++) {
      mu[j] = data(mean).get(j);
      inv[j] = 1.0 / Math.sqrt(data(variance).get(j) + (double) eps);
    }
    double[] sumDy = columnSums(g, rows, cols, null, null);
    double[] sumDyXc = columnSums(in, rows, cols, mu, g);
    float[] a = new float[cols];
    float[] b = new float[cols];
    float[] c = new float[cols];
    for (int j = 0; j < cols; j++) {
      double dGammaJ = sumDyXc[j] * inv[j];
      data(dGamma).put(j, (float) dGammaJ);
      data(dBeta).put(j, (float) sumDy[j]);
      // dx = gamma * inv / N * (N dy - sum(dy) - xhat * sum(dy xhat)), as a*dy + b*x + c.
      double k = data(gamma).get(j) * inv[j];
      a[j] = (float) k;
      b[j] = (float) (-k * dGammaJ * inv[j] / rows);
      c[j] = (float) (-k * sumDy[j] / rows - b[j] * mu[j]);
    }
    parallel.forRange(
        rows,
        (long) rows * cols,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++)
              d.put(base + j, a[j] * g.get(base + j) + b[j] * in.get(base + j) + c[j]);
          }
        });
  }

  // ---------------------------------------------------------------- dropout

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    checkRange("dropoutMask", mask, 0, n);
    Floats m = data(mask);
    float keep = 1f / (1f - rate);
    parallel.forRange(
        (int) n,
        n * 8,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) m.put(i, DropoutRng.uniform(seed, i) < rate ? 0f : keep);
        });
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
    checkRange("sgdStep", param, 0, n);
    checkRange("sgdStep", grad, 0, n);
    if (momentum != 0f) checkRange("sgdStep", velocity, 0, n);

    Floats p = data(param);
    Floats g = data(grad);
    Floats v = momentum == 0f ? null : data(velocity);
    parallel.forRange(
        (int) n,
        n * 2,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            float gi = g.get(i);
            if (v == null) {
              p.put(i, p.get(i) - lr * gi);
            } else {
              float vi = momentum * v.get(i) - lr * gi;
              v.put(i, vi);
              p.put(i, p.get(i) + (nesterov ? momentum * vi - lr * gi : vi));
            }
          }
        });
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
    for (DeviceBuffer b : new DeviceBuffer[] {param, grad, m, v}) checkRange("adamStep", b, 0, n);

    Floats p = data(param);
    Floats g = data(grad);
    Floats mm = data(m);
    Floats vv = data(v);
    float alpha = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
    float decay = lr * weightDecay;
    parallel.forRange(
        (int) n,
        n * 4,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            float gi = g.get(i);
            float pi = p.get(i);
            if (decay != 0f) pi -= decay * pi;
            float mi = mm.get(i) + (gi - mm.get(i)) * (1 - beta1);
            float vi = vv.get(i) + (gi * gi - vv.get(i)) * (1 - beta2);
            mm.put(i, mi);
            vv.put(i, vi);
            p.put(i, pi - alpha * mi / ((float) Math.sqrt(vi) + eps));
          }
        });
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
    for (DeviceBuffer b : new DeviceBuffer[] {param, grad, meanSquare})
      checkRange("rmspropStep", b, 0, n);

    Floats p = data(param);
    Floats g = data(grad);
    Floats s = data(meanSquare);
    parallel.forRange(
        (int) n,
        n * 4,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            float gi = g.get(i);
            float si = rho * s.get(i) + (1 - rho) * gi * gi;
            s.put(i, si);
            p.put(i, p.get(i) - lr * gi / ((float) Math.sqrt(si) + eps));
          }
        });
  }
}
