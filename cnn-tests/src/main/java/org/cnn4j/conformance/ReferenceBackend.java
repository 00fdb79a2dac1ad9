package org.cnn4j.conformance;

import org.apache.commons.numbers.gamma.Erf;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.DropoutRng;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.MemoryStats;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;

/**
 * The oracle of the conformance suite: every {@link Backend} op as plain loops written straight
 * from the SPI javadoc, for clarity rather than speed. Buffers store float32 (as every backend
 * does) but every sum and every intermediate value is a {@code double}; results are rounded to
 * float once, when stored.
 *
 * <p>Convolution is computed from its definition, not through im2col and GEMM, so the reference is
 * an independent check of a backend's default (im2col) path. Its backward ops are checked against
 * central finite differences in this module's own tests.
 *
 * <p>Where the SPI javadoc leaves a detail open, the choice made here is written on the method (and
 * listed in {@code docs/CONFORMANCE.md}).
 */
public final class ReferenceBackend implements Backend {
  /** Keras' probability clip bounds, as float32 computes them: {@code [1e-7f, 1f - 1e-7f]}. */
  static final double CLIP_LOW = 1e-7f;

  static final double CLIP_HIGH = 1f - 1e-7f;

  private long liveBuffers;
  private long liveBytes;
  private long peakBytes;
  private boolean closed;

  @Override
  public String id() {
    return "reference";
  }

  @Override
  public String description() {
    return "reference (float64 loops, single thread)";
  }

  // ---------------------------------------------------------------- memory

  @Override
  public DeviceBuffer allocate(long length) {
    if (closed) throw new IllegalStateException("reference backend is closed");
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "reference buffers hold 0 to 2^31-9 floats, asked " + length);
    }
    liveBuffers++;
    liveBytes += 4 * length;
    peakBytes = Math.max(peakBytes, liveBytes);
    return new ReferenceBuffer(this, (int) length);
  }

  void released(ReferenceBuffer buffer) {
    liveBuffers--;
    liveBytes -= 4 * buffer.length();
  }

  @Override
  public void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    System.arraycopy(src, srcOffset, data(dst), Math.toIntExact(dstOffset), len);
  }

  @Override
  public void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    System.arraycopy(data(src), Math.toIntExact(srcOffset), dst, dstOffset, len);
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    float[] s = data(src);
    float[] d = data(dst);
    for (long i = 0; i < len; i++) d[idx(dstOffset + i)] = s[idx(srcOffset + i)];
  }

  @Override
  public void fill(DeviceBuffer buf, long offset, long len, float value) {
    float[] d = data(buf);
    for (long i = 0; i < len; i++) d[idx(offset + i)] = value;
  }

  @Override
  public MemoryStats memoryStats() {
    return new MemoryStats(liveBuffers, liveBytes, peakBytes);
  }

  @Override
  public void synchronize() {
    // Every op finishes before it returns.
  }

  @Override
  public void close() {
    closed = true;
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
    float[] av = data(a);
    float[] bv = data(b);
    float[] cv = data(c);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          double aip =
              transA
                  ? av[idx(aOffset + (long) p * lda + i)]
                  : av[idx(aOffset + (long) i * lda + p)];
          double bpj =
              transB
                  ? bv[idx(bOffset + (long) j * ldb + p)]
                  : bv[idx(bOffset + (long) p * ldb + j)];
          sum += aip * bpj;
        }
        int ci = idx(cOffset + (long) i * ldc + j);
        // beta == 0 means C is not read at all, so NaN garbage there cannot leak into the result.
        double old = beta == 0f ? 0 : (double) beta * cv[ci];
        cv[ci] = (float) (alpha * sum + old);
      }
    }
  }

  // ---------------------------------------------------------------- convolution

  /** Input row of output row {@code oy} and kernel row {@code ky}; may be outside [0, h). */
  private static int inputRow(Conv2dSpec s, int oy, int ky) {
    return oy * s.strideH() - s.padTop() + ky * s.dilationH();
  }

  private static int inputCol(Conv2dSpec s, int ox, int kx) {
    return ox * s.strideW() - s.padLeft() + kx * s.dilationW();
  }

  private static boolean inside(Conv2dSpec s, int iy, int ix) {
    return iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w();
  }

  private static int xIndex(Conv2dSpec s, int img, int iy, int ix, int ch) {
    return ((img * s.h() + iy) * s.w() + ix) * s.c() + ch;
  }

  private static int yIndex(Conv2dSpec s, int img, int oy, int ox, int f) {
    return ((img * s.outH() + oy) * s.outW() + ox) * s.filters() + f;
  }

  private static int kIndex(Conv2dSpec s, int ky, int kx, int ci, int f) {
    return ((ky * s.kw() + kx) * (s.c() / s.groups()) + ci) * s.filters() + f;
  }

  @Override
  public void im2col(
      Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    float[] xv = data(x);
    float[] cv = data(cols);
    int cg = s.c() / s.groups();
    int width = s.kh() * s.kw() * cg;
    for (int img = first; img < first + count; img++) {
      for (int oy = 0; oy < s.outH(); oy++) {
        for (int ox = 0; ox < s.outW(); ox++) {
          int row = ((img - first) * s.outH() + oy) * s.outW() + ox;
          for (int ky = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++) {
              int iy = inputRow(s, oy, ky);
              int ix = inputCol(s, ox, kx);
              for (int ci = 0; ci < cg; ci++) {
                int col = (ky * s.kw() + kx) * cg + ci;
                cv[row * width + col] =
                    inside(s, iy, ix) ? xv[xIndex(s, img, iy, ix, group * cg + ci)] : 0f;
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    float[] cv = data(cols);
    float[] dv = data(dx);
    int cg = s.c() / s.groups();
    int width = s.kh() * s.kw() * cg;
    // Accumulate in double, then round once per input element.
    double[] acc = new double[(int) s.inputLength()];
    for (int img = first; img < first + count; img++) {
      for (int oy = 0; oy < s.outH(); oy++) {
        for (int ox = 0; ox < s.outW(); ox++) {
          int row = ((img - first) * s.outH() + oy) * s.outW() + ox;
          for (int ky = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++) {
              int iy = inputRow(s, oy, ky);
              int ix = inputCol(s, ox, kx);
              if (!inside(s, iy, ix)) continue;
              for (int ci = 0; ci < cg; ci++) {
                acc[xIndex(s, img, iy, ix, group * cg + ci)] +=
                    cv[row * width + (ky * s.kw() + kx) * cg + ci];
              }
            }
          }
        }
      }
    }
    for (int img = first; img < first + count; img++) {
      for (int iy = 0; iy < s.h(); iy++) {
        for (int ix = 0; ix < s.w(); ix++) {
          for (int ci = 0; ci < cg; ci++) {
            int i = xIndex(s, img, iy, ix, group * cg + ci);
            dv[i] = (float) (dv[i] + acc[i]);
          }
        }
      }
    }
  }

  /**
   * Direct definition: {@code y[n,oy,ox,f] = sum_{ky,kx,ci} x[n, iy, ix, g*cg + ci] *
   * K[ky,kx,ci,f]}.
   */
  @Override
  public void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    float[] xv = data(x);
    float[] kv = data(kernel);
    float[] yv = data(y);
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    for (int img = 0; img < s.n(); img++) {
      for (int oy = 0; oy < s.outH(); oy++) {
        for (int ox = 0; ox < s.outW(); ox++) {
          for (int f = 0; f < s.filters(); f++) {
            int g = f / fg;
            double sum = 0;
            for (int ky = 0; ky < s.kh(); ky++) {
              for (int kx = 0; kx < s.kw(); kx++) {
                int iy = inputRow(s, oy, ky);
                int ix = inputCol(s, ox, kx);
                if (!inside(s, iy, ix)) continue;
                for (int ci = 0; ci < cg; ci++) {
                  sum +=
                      (double) xv[xIndex(s, img, iy, ix, g * cg + ci)]
                          * kv[kIndex(s, ky, kx, ci, f)];
                }
              }
            }
            yv[yIndex(s, img, oy, ox, f)] = (float) sum;
          }
        }
      }
    }
  }

  /** Direct definition: every (output, tap) pair adds {@code dy * K} to the input it read. */
  @Override
  public void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    float[] dyv = data(dy);
    float[] kv = data(kernel);
    float[] dxv = data(dx);
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    double[] acc = new double[(int) s.inputLength()];
    for (int img = 0; img < s.n(); img++) {
      for (int oy = 0; oy < s.outH(); oy++) {
        for (int ox = 0; ox < s.outW(); ox++) {
          for (int f = 0; f < s.filters(); f++) {
            int g = f / fg;
            double d = dyv[yIndex(s, img, oy, ox, f)];
            for (int ky = 0; ky < s.kh(); ky++) {
              for (int kx = 0; kx < s.kw(); kx++) {
                int iy = inputRow(s, oy, ky);
                int ix = inputCol(s, ox, kx);
                if (!inside(s, iy, ix)) continue;
                for (int ci = 0; ci < cg; ci++) {
                  acc[xIndex(s, img, iy, ix, g * cg + ci)] += d * kv[kIndex(s, ky, kx, ci, f)];
                }
              }
            }
          }
        }
      }
    }
    store(acc, dxv);
  }

  /**
   * Direct definition: {@code dK[ky,kx,ci,f] = sum_{n,oy,ox} x[n, iy, ix, g*cg + ci] *
   * dy[n,oy,ox,f]}.
   */
  @Override
  public void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    float[] xv = data(x);
    float[] dyv = data(dy);
    float[] dkv = data(dKernel);
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    double[] acc = new double[(int) s.kernelLength()];
    for (int img = 0; img < s.n(); img++) {
      for (int oy = 0; oy < s.outH(); oy++) {
        for (int ox = 0; ox < s.outW(); ox++) {
          for (int f = 0; f < s.filters(); f++) {
            int g = f / fg;
            double d = dyv[yIndex(s, img, oy, ox, f)];
            for (int ky = 0; ky < s.kh(); ky++) {
              for (int kx = 0; kx < s.kw(); kx++) {
                int iy = inputRow(s, oy, ky);
                int ix = inputCol(s, ox, kx);
                if (!inside(s, iy, ix)) continue;
                for (int ci = 0; ci < cg; ci++) {
                  acc[kIndex(s, ky, kx, ci, f)] += d * xv[xIndex(s, img, iy, ix, g * cg + ci)];
                }
              }
            }
          }
        }
      }
    }
    store(acc, dkv);
  }

  @Override
  public void conv2dBackwardBias(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias) {
    float[] dyv = data(dy);
    double[] acc = new double[s.filters()];
    for (int i = 0; i < s.outputLength(); i++) acc[i % s.filters()] += dyv[i];
    store(acc, data(dBias));
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
    for (int i = 0; i < batch; i++) {
      gemm(
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          a,
          aOffset + i * strideA,
          lda,
          b,
          bOffset + i * strideB,
          ldb,
          beta,
          c,
          cOffset + i * strideC,
          ldc);
    }
  }

  // ---------------------------------------------------------------- pooling

  /** Visits the in-bounds taps of one pooling window in row-major order (top-left first). */
  private interface TapVisitor {
    void tap(int inputIndex);
  }

  private static void window(Pool2dSpec s, int img, int oy, int ox, int ch, TapVisitor visitor) {
    for (int py = 0; py < s.poolH(); py++) {
      for (int px = 0; px < s.poolW(); px++) {
        int iy = oy * s.strideH() - s.padTop() + py;
        int ix = ox * s.strideW() - s.padLeft() + px;
        if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue; // padding never takes part
        visitor.tap(((img * s.h() + iy) * s.w() + ix) * s.c() + ch);
      }
    }
  }

  private static int outIndex(Pool2dSpec s, int img, int oy, int ox, int ch) {
    return ((img * s.outH() + oy) * s.outW() + ox) * s.c() + ch;
  }

  /** The input index of the first maximum of a window in row-major order (the tie rule). */
  private static int argmax(Pool2dSpec s, float[] xv, int img, int oy, int ox, int ch) {
    int[] best = {-1};
    window(
        s,
        img,
        oy,
        ox,
        ch,
        i -> {
          if (best[0] < 0 || xv[i] > xv[best[0]]) best[0] = i; // strictly greater: earlier ties win
        });
    return best[0];
  }

  @Override
  public void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    float[] xv = data(x);
    float[] yv = data(y);
    forEachOutput(
        s,
        (img, oy, ox, ch) -> yv[outIndex(s, img, oy, ox, ch)] = xv[argmax(s, xv, img, oy, ox, ch)]);
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    float[] xv = data(x);
    float[] dyv = data(dy);
    double[] acc = new double[(int) s.inputLength()];
    forEachOutput(
        s,
        (img, oy, ox, ch) ->
            acc[argmax(s, xv, img, oy, ox, ch)] += dyv[outIndex(s, img, oy, ox, ch)]);
    store(acc, data(dx));
  }

  @Override
  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    float[] xv = data(x);
    float[] yv = data(y);
    forEachOutput(
        s,
        (img, oy, ox, ch) -> {
          double[] sumCount = new double[2];
          window(
              s,
              img,
              oy,
              ox,
              ch,
              i -> {
                sumCount[0] += xv[i];
                sumCount[1]++;
              });
          yv[outIndex(s, img, oy, ox, ch)] = (float) (sumCount[0] / sumCount[1]);
        });
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    float[] dyv = data(dy);
    double[] acc = new double[(int) s.inputLength()];
    forEachOutput(
        s,
        (img, oy, ox, ch) -> {
          int[] count = {0};
          window(s, img, oy, ox, ch, i -> count[0]++);
          double share = dyv[outIndex(s, img, oy, ox, ch)] / (double) count[0];
          window(s, img, oy, ox, ch, i -> acc[i] += share);
        });
    store(acc, data(dx));
  }

  private interface OutputVisitor {
    void at(int img, int oy, int ox, int ch);
  }

  private static void forEachOutput(Pool2dSpec s, OutputVisitor visitor) {
    for (int img = 0; img < s.n(); img++) {
      for (int oy = 0; oy < s.outH(); oy++) {
        for (int ox = 0; ox < s.outW(); ox++) {
          for (int ch = 0; ch < s.c(); ch++) visitor.at(img, oy, ox, ch);
        }
      }
    }
  }

  // ---------------------------------------------------------------- element-wise

  /** The activation's value. */
  static double activate(ActivationKind kind, double alpha, double x) {
    return switch (kind) {
      case LINEAR -> x;
      case RELU -> x < 0 ? 0 : x; // NaN passes through, as in Keras
      case LEAKY_RELU -> x > 0 ? x : alpha * x;
      case CLIPPED_RELU -> Math.min(Math.max(x, 0), alpha);
      case ELU -> x > 0 ? x : alpha * Math.expm1(x);
      case SELU ->
          ActivationKind.SELU_SCALE * (x > 0 ? x : ActivationKind.SELU_ALPHA * Math.expm1(x));
      case GELU -> 0.5 * x * (1 + Erf.value(x / Math.sqrt(2)));
      case GELU_TANH -> 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
      case SILU -> x / (1 + Math.exp(-x));
      case HARD_SIGMOID -> hardSigmoid(x);
      case HARD_SILU -> x * hardSigmoid(x);
      case SOFTPLUS -> x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      case SOFTSIGN -> x / (1 + Math.abs(x));
      case EXPONENTIAL -> Math.exp(x);
      case SIGMOID -> 1 / (1 + Math.exp(-x));
      case TANH -> Math.tanh(x);
    };
  }

  private static final double GELU_C = Math.sqrt(2 / Math.PI);

  private static double hardSigmoid(double x) {
    return Math.min(Math.max(x / 6 + 0.5, 0), 1);
  }

  /**
   * The derivative, from the output y for the kinds whose {@link
   * ActivationKind#derivativeFromOutput()} holds (as the SPI allows callers to pass y for x after
   * an in-place activation), else from the input x. At x == 0 the ReLU family takes the left branch
   * (0, alpha), as TensorFlow does; the SPI does not say, so the suite never feeds exactly 0 there.
   */
  static double derivative(ActivationKind kind, double alpha, double x, double y) {
    return switch (kind) {
      case LINEAR -> 1;
      case RELU -> y > 0 ? 1 : 0;
      case LEAKY_RELU -> y > 0 ? 1 : alpha;
      case CLIPPED_RELU -> y > 0 && y < alpha ? 1 : 0;
      case ELU -> y > 0 ? 1 : y + alpha;
      case SELU ->
          y > 0
              ? ActivationKind.SELU_SCALE
              : y + ActivationKind.SELU_SCALE * ActivationKind.SELU_ALPHA;
      case HARD_SIGMOID -> y > 0 && y < 1 ? 1.0 / 6 : 0;
      case SOFTPLUS -> -Math.expm1(-y);
      case SOFTSIGN -> (1 - Math.abs(y)) * (1 - Math.abs(y));
      case EXPONENTIAL -> y;
      case SIGMOID -> y * (1 - y);
      case TANH -> 1 - y * y;
      case GELU ->
          0.5 * (1 + Erf.value(x / Math.sqrt(2)))
              + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
      case GELU_TANH -> {
        double t = Math.tanh(GELU_C * (x + 0.044715 * x * x * x));
        yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
      }
      case SILU -> {
        double sig = 1 / (1 + Math.exp(-x));
        yield sig * (1 + x * (1 - sig));
      }
      case HARD_SILU -> hardSigmoid(x) + (x > -3 && x < 3 ? x / 6 : 0);
    };
  }

  @Override
  public void activationForward(
      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    float[] xv = data(x);
    float[] yv = data(y);
    for (int i = 0; i < n; i++) yv[i] = (float) activate(kind, alpha, xv[i]);
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
    float[] xv = data(x);
    float[] yv = data(y);
    float[] dyv = data(dy);
    float[] dxv = data(dx);
    for (int i = 0; i < n; i++) dxv[i] = (float) (dyv[i] * derivative(kind, alpha, xv[i], yv[i]));
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    float[] av = data(a);
    float[] bv = data(b);
    float[] ov = data(out);
    for (int i = 0; i < n; i++) ov[i] = (float) op.apply(av[i], bv[i]);
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
    float[] av = data(a);
    float[] bv = data(b);
    float[] g = data(dy);
    float[] ga = da == null ? null : data(da);
    float[] gb = db == null ? null : data(db);
    for (int i = 0; i < n; i++) {
      double p = av[i];
      double q = bv[i];
      double d = g[i];
      double toA;
      double toB;
      switch (op) {
        case ADD -> {
          toA = d;
          toB = d;
        }
        case SUB -> {
          toA = d;
          toB = -d;
        }
        case MUL -> {
          toA = d * q;
          toB = d * p;
        }
        case DIV -> {
          toA = d / q;
          toB = -d * p / (q * q);
        }
        case MAX -> {
          toA = p >= q ? d : 0;
          toB = p >= q ? 0 : d;
        }
        case MIN -> {
          toA = p <= q ? d : 0;
          toB = p <= q ? 0 : d;
        }
        case POW -> {
          toA = q == 0 ? 0 : d * q * Math.pow(p, q - 1);
          toB = p == 0 ? 0 : d * Math.pow(p, q) * Math.log(p);
        }
        default -> {
          toA = 0;
          toB = 0;
        }
      }
      if (ga != null) ga[i] = (float) toA;
      if (gb != null) gb[i] = (float) toB;
    }
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
    float[] x = data(a);
    float[] y = data(b);
    float[] o = data(out);
    long size = av.size();
    for (long i = 0; i < size; i++) {
      o[idx(outOffset + i)] = (float) op.apply(x[idx(av.position(i))], y[idx(bv.position(i))]);
    }
  }

  // ---------------------------------------------------------------- layout

  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    if (!java.util.Arrays.equals(from.shape(), to.shape())) {
      throw new IllegalArgumentException("copyStrided: views of shapes " + from + " and " + to);
    }
    if (to.repeats()) throw new IllegalArgumentException("copyStrided: " + to + " repeats");
    float[] s = data(src);
    float[] d = data(dst);
    for (long i = 0; i < from.size(); i++) d[idx(to.position(i))] = s[idx(from.position(i))];
  }

  @Override
  public void reduce(
      ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    for (int i = 0; i < axes.length; i++) {
      if (axes[i] < 0 || axes[i] >= shape.length || (i > 0 && axes[i] <= axes[i - 1])) {
        throw new IllegalArgumentException(
            "reduce: axes "
                + java.util.Arrays.toString(axes)
                + " of a rank-"
                + shape.length
                + " tensor must be distinct, ascending and in range");
      }
    }
    float[] xv = data(x);
    float[] ov = data(out);
    boolean[] reduced = new boolean[shape.length];
    for (int a : axes) reduced[a] = true;
    long total = 1;
    for (int d : shape) total *= d;
    long outSize = 1;
    for (int i = 0; i < shape.length; i++) if (!reduced[i]) outSize *= shape[i];
    double[] acc = new double[(int) outSize];
    if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
      argReduce(op == ReduceOp.ARGMAX, xv, shape, reduced, ov);
      return;
    }
    java.util.Arrays.fill(
        acc,
        switch (op) {
          case SUM -> 0;
          case MAX -> Double.NEGATIVE_INFINITY;
          case MIN -> Double.POSITIVE_INFINITY;
          default -> throw new IllegalStateException();
        });
    int[] index = new int[shape.length];
    for (long flat = 0; flat < total; flat++) {
      long rem = flat;
      for (int i = shape.length - 1; i >= 0; i--) {
        index[i] = (int) (rem % shape[i]);
        rem /= shape[i];
      }
      long o = 0;
      for (int i = 0; i < shape.length; i++) if (!reduced[i]) o = o * shape[i] + index[i];
      double v = xv[(int) flat];
      int k = (int) o;
      acc[k] =
          switch (op) {
            case SUM -> acc[k] + v;
            case MAX -> Double.isNaN(v) || Double.isNaN(acc[k]) ? Double.NaN : Math.max(acc[k], v);
            case MIN -> Double.isNaN(v) || Double.isNaN(acc[k]) ? Double.NaN : Math.min(acc[k], v);
            default -> throw new IllegalStateException();
          };
    }
    for (int k = 0; k < acc.length; k++) ov[k] = (float) ((double) scale * acc[k]);
  }

  /**
   * ARGMAX/ARGMIN: for each kept index, the row-major position among the reduced elements of the
   * first maximum (NaN the largest) or minimum.
   */
  private static void argReduce(
      boolean max, float[] xv, int[] shape, boolean[] reduced, float[] ov) {
    long total = 1;
    for (int d : shape) total *= d;
    int kept = 1;
    for (int i = 0; i < shape.length; i++) if (!reduced[i]) kept *= shape[i];
    double[] best = new double[kept];
    long[] where = new long[kept];
    long[] seen = new long[kept];
    int[] index = new int[shape.length];
    for (long flat = 0; flat < total; flat++) {
      long rem = flat;
      for (int i = shape.length - 1; i >= 0; i--) {
        index[i] = (int) (rem % shape[i]);
        rem /= shape[i];
      }
      int o = 0;
      long r = 0;
      for (int i = 0; i < shape.length; i++) {
        if (reduced[i]) r = r * shape[i] + index[i];
        else o = o * shape[i] + index[i];
      }
      double v = xv[(int) flat];
      boolean take;
      if (seen[o]++ == 0) take = true;
      else if (max) take = !Double.isNaN(best[o]) && (Double.isNaN(v) || v > best[o]);
      else take = !Double.isNaN(best[o]) && (Double.isNaN(v) || v < best[o]);
      if (take) {
        best[o] = v;
        where[o] = r;
      }
    }
    for (int o = 0; o < kept; o++) ov[o] = where[o];
  }

  @Override
  public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    float[] xv = data(x);
    float[] yv = data(y);
    for (int i = 0; i < n; i++) yv[i] = (float) op.apply(xv[i], alpha);
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
    float[] xv = data(x);
    float[] yv = data(y);
    float[] g = data(dy);
    float[] out = data(dx);
    for (int i = 0; i < n; i++) out[i] = (float) op.derivative(xv[i], yv[i], alpha, g[i]);
  }

  /** Where output pixel o samples the input along one axis: lower index, upper index, weight. */
  private static double[] bilinearTap(int o, int in, int out) {
    double s = Math.max(0, (o + 0.5) * in / out - 0.5);
    int lo = Math.min((int) Math.floor(s), in - 1);
    int hi = Math.min(lo + 1, in - 1);
    return new double[] {lo, hi, s - Math.floor(s)};
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    float[] xv = data(x);
    float[] yv = data(y);
    for (int img = 0; img < n; img++) {
      for (int oy = 0; oy < outH; oy++) {
        double[] ty = bilinearTap(oy, h, outH);
        for (int ox = 0; ox < outW; ox++) {
          double[] tx = bilinearTap(ox, w, outW);
          for (int ch = 0; ch < c; ch++) {
            double top =
                (1 - tx[2]) * xv[((img * h + (int) ty[0]) * w + (int) tx[0]) * c + ch]
                    + tx[2] * xv[((img * h + (int) ty[0]) * w + (int) tx[1]) * c + ch];
            double bottom =
                (1 - tx[2]) * xv[((img * h + (int) ty[1]) * w + (int) tx[0]) * c + ch]
                    + tx[2] * xv[((img * h + (int) ty[1]) * w + (int) tx[1]) * c + ch];
            yv[((img * outH + oy) * outW + ox) * c + ch] =
                (float) ((1 - ty[2]) * top + ty[2] * bottom);
          }
        }
      }
    }
  }

  @Override
  public void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    float[] g = data(dy);
    double[] acc = new double[n * h * w * c];
    for (int img = 0; img < n; img++) {
      for (int oy = 0; oy < outH; oy++) {
        double[] ty = bilinearTap(oy, h, outH);
        for (int ox = 0; ox < outW; ox++) {
          double[] tx = bilinearTap(ox, w, outW);
          for (int ch = 0; ch < c; ch++) {
            double d = g[((img * outH + oy) * outW + ox) * c + ch];
            acc[((img * h + (int) ty[0]) * w + (int) tx[0]) * c + ch] +=
                d * (1 - ty[2]) * (1 - tx[2]);
            acc[((img * h + (int) ty[0]) * w + (int) tx[1]) * c + ch] += d * (1 - ty[2]) * tx[2];
            acc[((img * h + (int) ty[1]) * w + (int) tx[0]) * c + ch] += d * ty[2] * (1 - tx[2]);
            acc[((img * h + (int) ty[1]) * w + (int) tx[1]) * c + ch] += d * ty[2] * tx[2];
          }
        }
      }
    }
    float[] out = data(dx);
    for (int i = 0; i < acc.length; i++) out[i] = (float) acc[i];
  }

  // ---------------------------------------------------------------- layer normalisation

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
    float[] xv = data(x);
    float[] yv = data(y);
    float[] g = gamma == null ? null : data(gamma);
    float[] bt = beta == null ? null : data(beta);
    float[] mv = data(mean);
    float[] rv = data(rstd);
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int j = 0; j < cols; j++) sum += xv[r * cols + j];
      double mu = sum / cols;
      double sq = 0;
      for (int j = 0; j < cols; j++) {
        double d = xv[r * cols + j] - mu;
        sq += d * d;
      }
      double inv = 1 / Math.sqrt(sq / cols + eps);
      for (int j = 0; j < cols; j++) {
        double v = (xv[r * cols + j] - mu) * inv;
        if (g != null) v *= g[j];
        if (bt != null) v += bt[j];
        yv[r * cols + j] = (float) v;
      }
      mv[r] = (float) mu;
      rv[r] = (float) inv;
    }
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
    float[] xv = data(x);
    float[] g = data(dy);
    float[] mv = data(mean);
    float[] rv = data(rstd);
    float[] gm = gamma == null ? null : data(gamma);
    float[] out = data(dx);
    double[] dg = new double[cols];
    double[] db = new double[cols];
    for (int r = 0; r < rows; r++) {
      double mu = mv[r];
      double inv = rv[r];
      double sumD = 0;
      double sumDx = 0;
      for (int j = 0; j < cols; j++) {
        double xhat = (xv[r * cols + j] - mu) * inv;
        double d = g[r * cols + j] * (gm == null ? 1 : gm[j]);
        sumD += d;
        sumDx += d * xhat;
        dg[j] += g[r * cols + j] * xhat;
        db[j] += g[r * cols + j];
      }
      for (int j = 0; j < cols; j++) {
        double xhat = (xv[r * cols + j] - mu) * inv;
        double d = g[r * cols + j] * (gm == null ? 1 : gm[j]);
        out[r * cols + j] = (float) (inv * (d - sumD / cols - xhat * sumDx / cols));
      }
    }
    if (dGamma != null) {
      float[] o = data(dGamma);
      for (int j = 0; j < cols; j++) o[j] = (float) dg[j];
    }
    if (dBeta != null) {
      float[] o = data(dBeta);
      for (int j = 0; j < cols; j++) o[j] = (float) db[j];
    }
  }

  @Override
  public void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    float[] xv = data(x);
    float[] yv = data(y);
    for (int i = 0; i < n; i++) {
      double old = beta == 0f ? 0 : (double) beta * yv[i];
      yv[i] = (float) ((double) alpha * xv[i] + old);
    }
  }

  // ---------------------------------------------------------------- reductions and broadcasts

  @Override
  public void reduceMiddle(
      DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    float[] xv = data(x);
    float[] ov = data(out);
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double sum = 0;
        for (int m = 0; m < mid; m++) sum += xv[(o * mid + m) * inner + i];
        ov[o * inner + i] = (float) (scale * sum);
      }
    }
  }

  @Override
  public void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    float[] sv = data(src);
    float[] yv = data(y);
    for (int o = 0; o < outer; o++) {
      for (int m = 0; m < mid; m++) {
        for (int i = 0; i < inner; i++) {
          int yi = (o * mid + m) * inner + i;
          double old = beta == 0f ? 0 : (double) beta * yv[yi];
          yv[yi] = (float) ((double) scale * sv[o * inner + i] + old);
        }
      }
    }
  }

  @Override
  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    float[] yv = data(y);
    float[] bv = data(bias);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) yv[r * cols + c] = (float) ((double) yv[r * cols + c] + bv[c]);
    }
  }

  /** The softmax of one row in double, shifted by the row maximum so large inputs stay finite. */
  static double[] softmaxRow(float[] x, int offset, int cols) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < cols; j++) max = Math.max(max, x[offset + j]);
    double[] p = new double[cols];
    double sum = 0;
    for (int j = 0; j < cols; j++) {
      p[j] = Math.exp(x[offset + j] - max);
      sum += p[j];
    }
    for (int j = 0; j < cols; j++) p[j] /= sum;
    return p;
  }

  /** {@code log(sum_j exp(x_j))} of one row, stable for large inputs. */
  static double logSumExp(float[] x, int offset, int cols) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < cols; j++) max = Math.max(max, x[offset + j]);
    double sum = 0;
    for (int j = 0; j < cols; j++) sum += Math.exp(x[offset + j] - max);
    return max + Math.log(sum);
  }

  @Override
  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    float[] xv = data(x);
    float[] yv = data(y);
    for (int r = 0; r < rows; r++) {
      double[] p = softmaxRow(xv, r * cols, cols);
      for (int j = 0; j < cols; j++) yv[r * cols + j] = (float) p[j];
    }
  }

  @Override
  public void softmaxBackward(
      DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    float[] yv = data(y);
    float[] dyv = data(dy);
    float[] dxv = data(dx);
    for (int r = 0; r < rows; r++) {
      double dot = 0;
      for (int j = 0; j < cols; j++) dot += (double) dyv[r * cols + j] * yv[r * cols + j];
      for (int j = 0; j < cols; j++) {
        int i = r * cols + j;
        dxv[i] = (float) (yv[i] * (dyv[i] - dot));
      }
    }
  }

  /**
   * Per-row losses as Keras defines them. Choices where the SPI is silent: the logit kinds are not
   * clipped (Keras' from_logits path); the probability kinds clip p to [1e-7f, 1f - 1e-7f] (the
   * bounds as float32 rounds them, as Keras computes them in float32) and the clip's derivative is
   * 0 outside that range; the two categorical kinds first divide each row by its sum, as Keras'
   * categorical_crossentropy does; the dense softmax gradient is the exact {@code softmax * sum(t)
   * - t}.
   */
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
    float[] p = data(pred);
    float[] t = data(target);
    float[] lv = data(lossPerRow);
    float[] gv = grad == null ? null : data(grad);
    double[] g = new double[cols];
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      double loss = 0;
      java.util.Arrays.fill(g, 0);
      switch (kind) {
        case SOFTMAX_CROSS_ENTROPY_SPARSE -> {
          int label = (int) t[r];
          double[] s = softmaxRow(p, o, cols);
          loss = logSumExp(p, o, cols) - p[o + label];
          for (int j = 0; j < cols; j++) g[j] = s[j] - (j == label ? 1 : 0);
        }
        case SOFTMAX_CROSS_ENTROPY -> {
          double[] s = softmaxRow(p, o, cols);
          double lse = logSumExp(p, o, cols);
          double mass = 0;
          for (int j = 0; j < cols; j++) {
            loss += t[o + j] * (lse - p[o + j]);
            mass += t[o + j];
          }
          for (int j = 0; j < cols; j++) g[j] = s[j] * mass - t[o + j];
        }
        case CROSS_ENTROPY_SPARSE, CROSS_ENTROPY -> {
          // Keras divides the probabilities by their row sum S before clipping; then
          // d/dp_j of -sum_i t_i log(p_i / S) = -t_j / p_j + sum_i t_i / S over unclipped i.
          int label = kind.sparseTargets() ? (int) t[r] : -1;
          double sum = 0;
          for (int j = 0; j < cols; j++) sum += p[o + j];
          double unclippedMass = 0;
          for (int j = 0; j < cols; j++) {
            double tj = label >= 0 ? (j == label ? 1 : 0) : t[o + j];
            double q = p[o + j] / sum;
            loss -= tj * Math.log(clip(q));
            if (!clipped(q)) {
              g[j] = -tj / p[o + j];
              unclippedMass += tj;
            }
          }
          for (int j = 0; j < cols; j++) g[j] += unclippedMass / sum;
        }
        case BINARY_CROSS_ENTROPY -> {
          for (int j = 0; j < cols; j++) {
            double q = p[o + j];
            double y = t[o + j];
            double c = clip(q);
            loss -= (y * Math.log(c) + (1 - y) * Math.log(1 - c)) / cols;
            g[j] = clipped(q) ? 0 : (-y / q + (1 - y) / (1 - q)) / cols;
          }
        }
        case BINARY_CROSS_ENTROPY_LOGITS -> {
          for (int j = 0; j < cols; j++) {
            double z = p[o + j];
            double y = t[o + j];
            // max(z, 0) - z y + log(1 + exp(-|z|)): the stable form of -y log s(z) - (1-y)
            // log(1-s(z)).
            loss += (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)))) / cols;
            g[j] = (activate(ActivationKind.SIGMOID, 0, z) - y) / cols;
          }
        }
        case MEAN_SQUARED_ERROR -> {
          for (int j = 0; j < cols; j++) {
            double d = p[o + j] - t[o + j];
            loss += d * d / cols;
            g[j] = 2 * d / cols;
          }
        }
      }
      lv[r] = (float) loss;
      if (gv != null) {
        for (int j = 0; j < cols; j++) gv[o + j] = (float) (gradScale * g[j]);
      }
    }
  }

  private static double clip(double p) {
    return Math.min(Math.max(p, CLIP_LOW), CLIP_HIGH);
  }

  private static boolean clipped(double p) {
    return p < CLIP_LOW || p > CLIP_HIGH;
  }

  // ---------------------------------------------------------------- batch normalisation

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    float[] xv = data(x);
    float[] mv = data(mean);
    float[] vv = data(variance);
    for (int c = 0; c < cols; c++) {
      double sum = 0;
      for (int r = 0; r < rows; r++) sum += xv[r * cols + c];
      double mu = sum / rows;
      double sq = 0;
      for (int r = 0; r < rows; r++) sq += (xv[r * cols + c] - mu) * (xv[r * cols + c] - mu);
      mv[c] = (float) mu;
      vv[c] = (float) (sq / rows);
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
    float[] xv = data(x);
    float[] mv = data(mean);
    float[] vv = data(variance);
    float[] gv = data(gamma);
    float[] bv = data(beta);
    float[] yv = data(y);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        yv[i] =
            (float) (gv[c] * (xv[i] - (double) mv[c]) / Math.sqrt((double) vv[c] + eps) + bv[c]);
      }
    }
  }

  /**
   * With {@code xhat = (x - mean) / sqrt(var + eps)} and N = rows: {@code dBeta = sum dy}, {@code
   * dGamma = sum dy * xhat}, {@code dx = gamma / sqrt(var + eps) * (dy - dBeta / N - xhat * dGamma
   * / N)}, the mean and variance being the batch statistics of x.
   */
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
    float[] xv = data(x);
    float[] dyv = data(dy);
    float[] mv = data(mean);
    float[] vv = data(variance);
    float[] gv = data(gamma);
    float[] dxv = data(dx);
    float[] dgv = data(dGamma);
    float[] dbv = data(dBeta);
    for (int c = 0; c < cols; c++) {
      double invStd = 1 / Math.sqrt((double) vv[c] + eps);
      double sumDy = 0;
      double sumDyXhat = 0;
      for (int r = 0; r < rows; r++) {
        int i = r * cols + c;
        sumDy += dyv[i];
        sumDyXhat += dyv[i] * (xv[i] - (double) mv[c]) * invStd;
      }
      for (int r = 0; r < rows; r++) {
        int i = r * cols + c;
        double xhat = (xv[i] - (double) mv[c]) * invStd;
        dxv[i] = (float) (gv[c] * invStd * (dyv[i] - sumDy / rows - xhat * sumDyXhat / rows));
      }
      dgv[c] = (float) sumDyXhat;
      dbv[c] = (float) sumDy;
    }
  }

  // ---------------------------------------------------------------- dropout

  /** The value a kept element holds: {@code 1 / (1 - rate)} rounded to float once. */
  static float keptValue(float rate) {
    return (float) (1.0 / (1.0 - rate));
  }

  @Override
  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    float[] mv = data(mask);
    float kept = keptValue(rate);
    for (int i = 0; i < n; i++) mv[i] = DropoutRng.uniform(seed, i) < rate ? 0f : kept;
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
    float[] p = data(param);
    float[] g = data(grad);
    float[] v = momentum == 0f ? null : data(velocity);
    for (int i = 0; i < n; i++) {
      if (v == null) {
        p[i] = (float) (p[i] - (double) lr * g[i]);
        continue;
      }
      double vel = (double) momentum * v[i] - (double) lr * g[i];
      v[i] = (float) vel;
      double step = nesterov ? momentum * vel - (double) lr * g[i] : vel;
      p[i] = (float) (p[i] + step);
    }
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
    float[] p = data(param);
    float[] g = data(grad);
    float[] mv = data(m);
    float[] vv = data(v);
    double rate = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    for (int i = 0; i < n; i++) {
      double pi = p[i];
      if (weightDecay > 0) pi -= (double) lr * weightDecay * pi;
      double mi = mv[i] + (g[i] - (double) mv[i]) * (1 - (double) beta1);
      double vi = vv[i] + ((double) g[i] * g[i] - vv[i]) * (1 - (double) beta2);
      mv[i] = (float) mi;
      vv[i] = (float) vi;
      p[i] = (float) (pi - rate * mi / (Math.sqrt(vi) + eps));
    }
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
    float[] p = data(param);
    float[] g = data(grad);
    float[] s = data(meanSquare);
    for (int i = 0; i < n; i++) {
      double si = (double) rho * s[i] + (1 - (double) rho) * g[i] * g[i];
      s[i] = (float) si;
      p[i] = (float) (p[i] - (double) lr * g[i] / (Math.sqrt(si) + eps));
    }
  }

  // ---------------------------------------------------------------- helpers

  private float[] data(DeviceBuffer buffer) {
    if (!(buffer instanceof ReferenceBuffer rb) || rb.owner() != this) {
      throw new IllegalArgumentException("not a buffer of this reference backend: " + buffer);
    }
    return rb.data();
  }

  private static int idx(long index) {
    return Math.toIntExact(index);
  }

  private static void store(double[] acc, float[] dst) {
    for (int i = 0; i < acc.length; i++) dst[i] = (float) acc[i];
  }
}
