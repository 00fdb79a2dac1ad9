package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;
import static org.cnn4j.backend.cpu.CpuBuffer.own;
import static org.cnn4j.backend.cpu.CpuBuffer.reading;

import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;

/**
 * The convolutions: through oneDNN where it takes the geometry ({@link DnnlConvolutions}), else a
 * 1x1 convolution as one GEMM, else im2col + GEMM per cache-sized chunk of images with the bias,
 * activation and their gradients fused into the chunk's pass.
 */
final class Convolutions {
  private final Parallel parallel;
  private final BufferPool pool;
  private final Gemm gemm;
  private final Elementwise elementwise;

  /** oneDNN's convolutions and activations, or null when it is not used. */
  private final DnnlConvolutions dnnl;

  private final DnnlEltwise dnnlEltwise;

  Convolutions(
      Parallel parallel,
      BufferPool pool,
      Gemm gemm,
      Elementwise elementwise,
      DnnlConvolutions dnnl,
      DnnlEltwise dnnlEltwise) {
    this.parallel = parallel;
    this.pool = pool;
    this.gemm = gemm;
    this.elementwise = elementwise;
    this.dnnl = dnnl;
    this.dnnlEltwise = dnnlEltwise;
  }

  private boolean viaOnednn(Conv2dSpec s) {
    return dnnl != null && DnnlConvolutions.supports(s);
  }

  /** Whether the first {@code n} floats hold a NaN. */
  private boolean hasNaN(DeviceBuffer b, long n) {
    return elementwise.hasNaN(b, n);
  }

  /** Whether a buffer holds no NaN, scanned again only after it changed. */
  private boolean nanFree(DeviceBuffer b, long n) {
    return reading(b).nanFree(n, () -> !hasNaN(b, n));
  }

  /** Checks an input-shaped, a kernel-shaped and an output-shaped buffer of a convolution. */
  private static void checkConv(
      String op, Conv2dSpec s, DeviceBuffer input, DeviceBuffer kernel, DeviceBuffer output) {
    Ranges.check(op, input, 0, s.inputLength());
    Ranges.check(op, kernel, 0, s.kernelLength());
    Ranges.check(op, output, 0, s.outputLength());
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
    try (DeviceBuffer scratch = pool.allocate(parts * scratchLength)) {
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

  void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    if (viaOnednn(s)) {
      checkConv("conv2dForward", s, x, kernel, y);
      dnnl.forward(s, own(x), reading(kernel), null, ActivationKind.LINEAR, 0f, own(y), false);
      return;
    }
    if (isPointwise(s)) {
      gemm.gemm(
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
    Ranges.check("conv2dForward", x, 0, s.inputLength());
    Ranges.check("conv2dForward", kernel, 0, s.kernelLength());
    Ranges.check("conv2dForward", y, 0, s.outputLength());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    forChunks(
        s,
        k,
        (part, first, count, scratch, off) -> {
          for (int g = 0; g < s.groups(); g++) {
            Im2col.unfold(s, x, first, count, g, scratch, off);
            Gemm.sgemm(
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

  /**
   * y = f(conv(x, kernel) + bias + y) in one oneDNN convolution (its sum post-op reads y as it
   * writes it), where oneDNN takes the geometry; false, having done nothing, where it does not. The
   * ReLU post-op's NaN rule is {@link #conv2dForwardFused}'s, y's values (the shortcut) among the
   * operands checked.
   */
  boolean conv2dForwardResidual(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    if (!viaOnednn(s)) return false;
    forwardViaOnednn("conv2dForwardResidual", s, x, kernel, bias, kind, alpha, y, true);
    return true;
  }

  /**
   * y = f(conv(x, kernel) + bias), plus y's own values with {@code residual}, through oneDNN, the
   * activation as its post-op where that keeps NaN as Keras does, else as a pass of its own.
   */
  private void forwardViaOnednn(
      String op,
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y,
      boolean residual) {
    checkConv(op, s, x, kernel, y);
    if (bias != null) Ranges.check(op, bias, 0, s.filters());
    // oneDNN's ReLU post-op turns NaN into 0, which would hide a diverged model from
    // TerminateOnNaN. So the post-op runs only on NaN-free operands (a read of the inputs,
    // cheaper than another pass over the larger output); otherwise our activation keeps NaN, as
    // Keras does. The check is kept with each buffer until it changes (CpuBuffer#nanFree): the
    // weights', and an input's that a clean ReLU convolution wrote (below).
    boolean clean =
        DnnlEltwise.hasForward(kind, alpha)
            && nanFree(x, s.inputLength())
            && nanFree(kernel, s.kernelLength())
            && (bias == null || nanFree(bias, s.filters()))
            && (!residual || nanFree(y, s.outputLength()));
    CpuBuffer out = own(y);
    dnnl.forward(
        s,
        reading(x),
        reading(kernel),
        bias == null ? null : reading(bias),
        clean ? kind : ActivationKind.LINEAR,
        alpha,
        out,
        residual);
    // A ReLU or clipped ReLU epilogue leaves no NaN (the very mapping to a number that needs the
    // check above), so the convolution that reads this output next need not scan it: in
    // MobileNetV2 the depthwise layers' inputs, in ResNet50 each block's middle one.
    if (clean && (kind == ActivationKind.RELU || kind == ActivationKind.CLIPPED_RELU)) {
      out.markNanFree(s.outputLength());
    }
    if (!clean && kind != ActivationKind.LINEAR) {
      elementwise.biasActivationForward(
          kind, alpha, y, null, s.n() * s.outH() * s.outW(), s.filters());
    }
  }

  void conv2dForwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    if (viaOnednn(s)) {
      forwardViaOnednn("conv2dForwardFused", s, x, kernel, bias, kind, alpha, y, false);
      return;
    }
    if (isPointwise(s)) {
      // One GEMM, then the epilogue as its own pass (as the SPI's default does).
      conv2dForward(s, x, kernel, y);
      elementwise.biasActivationForward(
          kind, alpha, y, bias, s.n() * s.outH() * s.outW(), s.filters());
      return;
    }
    Ranges.check("conv2dForwardFused", x, 0, s.inputLength());
    Ranges.check("conv2dForwardFused", kernel, 0, s.kernelLength());
    Ranges.check("conv2dForwardFused", y, 0, s.outputLength());
    if (bias != null) Ranges.check("conv2dForwardFused", bias, 0, s.filters());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    float[] b = new float[s.filters()];
    if (bias != null) floats(bias).get(0, b, 0, b.length);
    Floats out = floats(y);
    forChunks(
        s,
        k,
        (part, first, count, scratch, off) -> {
          for (int g = 0; g < s.groups(); g++) {
            Im2col.unfold(s, x, first, count, g, scratch, off);
            Gemm.sgemm(
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
          out.put(base + j, Elementwise.activate(kind, alpha, out.get(base + j) + b[j]));
      }
    }
  }

  void conv2dBackwardFused(
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
    kind.requireDerivativeFromOutput("conv2dBackwardFused");
    if (viaOnednn(s)) {
      checkConv("conv2dBackwardFused", s, x, kernel, y);
      Ranges.check("conv2dBackwardFused", dy, 0, s.outputLength());
      Ranges.check("conv2dBackwardFused", dKernel, 0, s.kernelLength());
      if (dx != null) Ranges.check("conv2dBackwardFused", dx, 0, s.inputLength());
      if (dBias != null) Ranges.check("conv2dBackwardFused", dBias, 0, s.filters());
      // dz in one pass, by oneDNN's eltwise gradient from y where it has one (without an
      // activation dz is dy itself); oneDNN's weights pass adds up the bias gradient itself.
      if (kind == ActivationKind.LINEAR) {
        onednnBackward(s, x, kernel, dy, dx, dKernel, dBias);
        return;
      }
      try (DeviceBuffer dz = pool.allocate(s.outputLength())) {
        long n = s.outputLength();
        if (DnnlEltwise.hasBackward(kind, alpha))
          dnnlEltwise.activationBackward(kind, alpha, own(y), own(y), own(dy), own(dz), n);
        else elementwise.activationBackward(kind, alpha, y, y, dy, dz, n);
        onednnBackward(s, x, kernel, dz, dx, dKernel, dBias);
      }
      return;
    }
    if (isPointwise(s)) {
      // dz in one pass, then the two GEMMs (as the SPI's default does).
      try (DeviceBuffer dz = pool.allocate(s.outputLength())) {
        elementwise.activationBackwardBias(
            kind, alpha, y, dy, dz, s.n() * s.outH() * s.outW(), s.filters(), dBias);
        conv2dBackwardFilter(s, x, dz, dKernel);
        if (dx != null) conv2dBackwardData(s, dz, kernel, dx);
      }
      return;
    }
    Ranges.check("conv2dBackwardFused", x, 0, s.inputLength());
    Ranges.check("conv2dBackwardFused", kernel, 0, s.kernelLength());
    Ranges.check("conv2dBackwardFused", y, 0, s.outputLength());
    Ranges.check("conv2dBackwardFused", dy, 0, s.outputLength());
    Ranges.check("conv2dBackwardFused", dKernel, 0, s.kernelLength());
    if (dx != null) Ranges.check("conv2dBackwardFused", dx, 0, s.inputLength());
    if (dBias != null) Ranges.check("conv2dBackwardFused", dBias, 0, s.filters());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int f = s.filters();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    long kernelLength = s.kernelLength();
    long imageLength = (long) s.h() * s.w() * s.c();
    int chunk = cacheChunk(s, k + f);
    int parts = Math.min(parallel.threads(), (s.n() + chunk - 1) / chunk);
    Floats out = floats(y);
    Floats g = floats(dy);
    // Per chunk, in cache: dz from dy and y, then the kernel gradient (im2col of x) and the input
    // gradient (dz times the kernel, folded); each thread keeps partial kernel and bias sums.
    try (DeviceBuffer partial = pool.allocate(parts * kernelLength)) {
      boolean[] started = new boolean[parts];
      float[][] biasSums = new float[parts][f];
      forChunks(
          s,
          k,
          f,
          (part, first, count, scratch, off) -> {
            int rows = count * pixels;
            long dzOff = off + (long) rows * k;
            Floats dz = floats(scratch);
            float[] acc = biasSums[part];
            int src = first * pixels * f;
            int dst = (int) dzOff;
            for (int r = 0; r < rows; r++, src += f, dst += f) {
              for (int j = 0; j < f; j++) {
                float v =
                    kind == ActivationKind.RELU
                        ? (out.get(src + j) > 0 ? g.get(src + j) : 0f)
                        : Elementwise.derivative(kind, alpha, out.get(src + j), g.get(src + j));
                dz.put(dst + j, v);
                acc[j] += v;
              }
            }
            for (int gr = 0; gr < s.groups(); gr++) {
              Im2col.unfold(s, x, first, count, gr, scratch, off);
              Gemm.sgemm(
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
              floats(dx).zero(first * imageLength, count * imageLength);
              for (int gr = 0; gr < s.groups(); gr++) {
                Gemm.sgemm(
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
                Im2col.fold(s, scratch, off, first, count, gr, dx);
              }
            }
          });
      Floats sum = floats(partial);
      Floats dk = floats(dKernel);
      for (int i = 0; i < (int) kernelLength; i++) {
        float a = 0;
        for (int p = 0; p < parts; p++) a += sum.get((int) (p * kernelLength) + i);
        dk.put(i, a);
      }
      if (dBias != null) {
        Floats db = floats(dBias);
        for (int j = 0; j < f; j++) {
          float a = 0;
          for (float[] b : biasSums) a += b[j];
          db.put(j, a);
        }
      }
    }
  }

  /** oneDNN's weights (and bias) pass, then its data pass when dx is wanted, from dz. */
  private void onednnBackward(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer dz,
      DeviceBuffer dx,
      DeviceBuffer dKernel,
      DeviceBuffer dBias) {
    dnnl.backwardWeights(s, own(x), own(dz), own(dKernel), dBias == null ? null : own(dBias));
    if (dx != null) dnnl.backwardData(s, own(dz), own(kernel), own(dx));
  }

  void conv2dBackwardData(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    if (viaOnednn(s)) {
      checkConv("conv2dBackwardData", s, dx, kernel, dy);
      dnnl.backwardData(s, own(dy), own(kernel), own(dx));
      return;
    }
    if (isPointwise(s)) {
      gemm.gemm(
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
    Ranges.check("conv2dBackwardData", dy, 0, s.outputLength());
    Ranges.check("conv2dBackwardData", kernel, 0, s.kernelLength());
    Ranges.check("conv2dBackwardData", dx, 0, s.inputLength());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    long imageLength = (long) s.h() * s.w() * s.c();
    forChunks(
        s,
        k,
        (part, first, count, scratch, off) -> {
          floats(dx).zero(first * imageLength, count * imageLength);
          for (int g = 0; g < s.groups(); g++) {
            Gemm.sgemm(
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
            Im2col.fold(s, scratch, off, first, count, g, dx);
          }
        });
  }

  void conv2dBackwardFilter(Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    if (viaOnednn(s)) {
      checkConv("conv2dBackwardFilter", s, x, dKernel, dy);
      dnnl.backwardWeights(s, own(x), own(dy), own(dKernel), null);
      return;
    }
    ownBackwardFilter(s, x, dy, dKernel);
  }

  /** The kernel gradient by im2col + GEMM per cache-sized chunk, one partial sum per thread. */
  private void ownBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    if (isPointwise(s)) {
      gemm.gemm(
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
    Ranges.check("conv2dBackwardFilter", x, 0, s.inputLength());
    Ranges.check("conv2dBackwardFilter", dy, 0, s.outputLength());
    Ranges.check("conv2dBackwardFilter", dKernel, 0, s.kernelLength());
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    long kernelLength = s.kernelLength();
    int parts = Math.min(parallel.threads(), (s.n() + cacheChunk(s, k) - 1) / cacheChunk(s, k));
    // Each thread accumulates its own partial kernel gradient; the partials are added at the end.
    try (DeviceBuffer partial = pool.allocate(parts * kernelLength)) {
      boolean[] started = new boolean[parts];
      forChunks(
          s,
          k,
          (part, first, count, scratch, off) -> {
            for (int g = 0; g < s.groups(); g++) {
              Im2col.unfold(s, x, first, count, g, scratch, off);
              Gemm.sgemm(
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
      Floats sum = floats(partial);
      Floats out = floats(dKernel);
      for (int i = 0; i < (int) kernelLength; i++) {
        float acc = 0;
        for (int p = 0; p < parts; p++) acc += sum.get((int) (p * kernelLength) + i);
        out.put(i, acc);
      }
    }
  }
}
