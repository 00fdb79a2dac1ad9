package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;

import java.util.Arrays;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.ReduceBlocks;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;

/**
 * The CPU's graph ops in parallel Java: strided copies, broadcasting binary ops and their
 * gradients, axis reductions, bilinear resizing and layer normalisation. Each loop runs its
 * innermost axis as a tight strided loop and splits the outer rows across threads.
 */
final class CpuTensorOps {
  private final Parallel parallel;

  CpuTensorOps(Parallel parallel) {
    this.parallel = parallel;
  }

  // ---------------------------------------------------------------- element-wise gradients

  void binaryBackward(BinaryOp op, Floats a, Floats b, Floats dy, Floats da, Floats db, long n) {
    parallel.forRange(
        (int) n,
        n * 2,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            float p = a.get(i);
            float q = b.get(i);
            float d = dy.get(i);
            float toA;
            float toB;
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
                toA = p >= q ? d : 0f;
                toB = p >= q ? 0f : d;
              }
              case MIN -> {
                toA = p <= q ? d : 0f;
                toB = p <= q ? 0f : d;
              }
              case POW -> {
                toA = q == 0 ? 0f : (float) (d * q * Math.pow(p, q - 1));
                toB = p == 0 ? 0f : (float) (d * Math.pow(p, q) * Math.log(p));
              }
              default -> {
                toA = 0f;
                toB = 0f;
              }
            }
            if (da != null) da.put(i, toA);
            if (db != null) db.put(i, toB);
          }
        });
  }

  static float apply(BinaryOp op, float p, float q) {
    return switch (op) {
      case ADD -> p + q;
      case SUB -> p - q;
      case MUL -> p * q;
      case DIV -> p / q;
      // Math.max/min return NaN when either operand is NaN, as the SPI says.
      case MAX -> Math.max(p, q);
      case MIN -> Math.min(p, q);
      case POW -> (float) Math.pow(p, q);
      case GREATER -> p > q ? 1f : 0f;
      case GREATER_EQUAL -> p >= q ? 1f : 0f;
      case LESS -> p < q ? 1f : 0f;
      case LESS_EQUAL -> p <= q ? 1f : 0f;
      case EQUAL -> p == q ? 1f : 0f;
      case NOT_EQUAL -> p != q ? 1f : 0f;
    };
  }

  // ---------------------------------------------------------------- unary functions

  void unary(UnaryOp op, float alpha, Floats x, Floats y, long n) {
    parallel.forRange(
        (int) n,
        n * 4,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) y.put(i, (float) op.apply(x.get(i), alpha));
        });
  }

  void unaryBackward(UnaryOp op, float alpha, Floats x, Floats y, Floats dy, Floats dx, long n) {
    parallel.forRange(
        (int) n,
        n * 4,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            dx.put(i, (float) op.derivative(x.get(i), y.get(i), alpha, dy.get(i)));
          }
        });
  }

  // ---------------------------------------------------------------- strided loops

  /** Walks the rows (all axes but the last) of a view, keeping each row's start position. */
  private static final class Rows {
    private final int[] shape;
    private final long[] strides;
    private final int[] index;
    long position;

    /** Positioned at row {@code row} of {@code view}. */
    Rows(StridedView view, long row) {
      shape = view.shape();
      strides = view.strides();
      index = new int[shape.length];
      position = view.offset();
      for (int i = shape.length - 2; i >= 0; i--) {
        index[i] = (int) (row % shape[i]);
        row /= shape[i];
        position += index[i] * strides[i];
      }
    }

    void next() {
      for (int i = shape.length - 2; i >= 0; i--) {
        position += strides[i];
        if (++index[i] < shape[i]) return;
        position -= (long) shape[i] * strides[i];
        index[i] = 0;
      }
    }
  }

  private static long rows(StridedView v) {
    return v.size() / v.shape()[v.rank() - 1];
  }

  void copyStrided(Floats src, StridedView from, Floats dst, StridedView to) {
    int len = from.shape()[from.rank() - 1];
    long sIn = from.strides()[from.rank() - 1];
    long sOut = to.strides()[to.rank() - 1];
    long rows = rows(from);
    parallel.forRange(
        (int) rows,
        from.size(),
        (lo, hi) -> {
          Rows r = new Rows(from, lo);
          Rows w = new Rows(to, lo);
          for (int row = lo; row < hi; row++, r.next(), w.next()) {
            long p = r.position;
            long q = w.position;
            if (sIn == 1 && sOut == 1) {
              dst.put((int) q, src, (int) p, len);
              continue;
            }
            for (int j = 0; j < len; j++, p += sIn, q += sOut) dst.put((int) q, src.get((int) p));
          }
        });
  }

  void binaryBroadcast(
      BinaryOp op, Floats a, StridedView av, Floats b, StridedView bv, Floats out, long outOffset) {
    int len = av.shape()[av.rank() - 1];
    long sa = av.strides()[av.rank() - 1];
    long sb = bv.strides()[bv.rank() - 1];
    long rows = rows(av);
    parallel.forRange(
        (int) rows,
        av.size(),
        (lo, hi) -> {
          Rows ra = new Rows(av, lo);
          Rows rb = new Rows(bv, lo);
          for (int row = lo; row < hi; row++, ra.next(), rb.next()) {
            long p = ra.position;
            long q = rb.position;
            long o = outOffset + (long) row * len;
            for (int j = 0; j < len; j++, p += sa, q += sb) {
              out.put((int) (o + j), apply(op, a.get((int) p), b.get((int) q)));
            }
          }
        });
  }

  /**
   * Reduces a contiguous {@code shape} over {@code axes}: the kept axes address the output, the
   * reduced ones are walked for each output element (in parallel over outputs when there are
   * several, else over the reduced range in chunks).
   */
  void reduce(ReduceOp op, Floats x, int[] shape, int[] axes, float scale, Floats out) {
    boolean[] reduced = new boolean[shape.length];
    for (int a : axes) reduced[a] = true;
    long[] strides = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    int kept = shape.length - axes.length;
    int[] keptShape = new int[Math.max(kept, 1)];
    long[] keptStrides = new long[keptShape.length];
    int[] redShape = new int[Math.max(axes.length, 1)];
    long[] redStrides = new long[redShape.length];
    keptShape[0] = 1;
    redShape[0] = 1;
    int k = 0;
    int r = 0;
    for (int i = 0; i < shape.length; i++) {
      if (reduced[i]) {
        redShape[r] = shape[i];
        redStrides[r++] = strides[i];
      } else {
        keptShape[k] = shape[i];
        keptStrides[k++] = strides[i];
      }
    }
    StridedView keptView = new StridedView(0, keptShape, keptStrides);
    StridedView redView = new StridedView(0, redShape, redStrides);
    long outputs = keptView.size();
    long perOutput = redView.size();
    int len = redShape[redShape.length - 1];
    long step = redStrides[redStrides.length - 1];
    long redRows = rows(redView);
    parallel.forRange(
        (int) outputs,
        outputs * perOutput,
        (lo, hi) -> {
          for (int o = lo; o < hi; o++) {
            long base = keptView.position(o);
            if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
              out.put(o, argPosition(op == ReduceOp.ARGMAX, x, base, redView, redRows, len, step));
              continue;
            }
            double acc =
                switch (op) {
                  case SUM -> 0;
                  case MAX -> Double.NEGATIVE_INFINITY;
                  default -> Double.POSITIVE_INFINITY;
                };
            Rows rows = new Rows(redView, 0);
            for (long row = 0; row < redRows; row++, rows.next()) {
              long p = base + rows.position;
              for (int j = 0; j < len; j++, p += step) {
                float v = x.get((int) p);
                acc =
                    switch (op) {
                      case SUM -> acc + v;
                      case MAX -> Double.isNaN(acc) || v != v ? Double.NaN : Math.max(acc, v);
                      default -> Double.isNaN(acc) || v != v ? Double.NaN : Math.min(acc, v);
                    };
              }
            }
            out.put(o, (float) (scale * acc));
          }
        });
  }

  /** The row-major position of the first maximum (NaN the largest) or minimum among the reduced. */
  private static float argPosition(
      boolean max, Floats x, long base, StridedView red, long redRows, int len, long step) {
    float best = 0;
    long where = 0;
    long k = 0;
    boolean done = false;
    Rows rows = new Rows(red, 0);
    for (long row = 0; row < redRows && !done; row++, rows.next()) {
      long p = base + rows.position;
      for (int j = 0; j < len; j++, p += step, k++) {
        float v = x.get((int) p);
        if (k == 0 || v != v || (max ? v > best : v < best)) {
          best = v;
          where = k;
          if (v != v) {
            done = true;
            break;
          }
        }
      }
    }
    return where;
  }

  // ---------------------------------------------------------------- bilinear resize

  /** Lower index, upper index and weight of the upper one, per output position along one axis. */
  private static final class Taps {
    final int[] lo;
    final int[] hi;
    final float[] weight;

    Taps(int in, int out) {
      lo = new int[out];
      hi = new int[out];
      weight = new float[out];
      for (int o = 0; o < out; o++) {
        double s = Math.max(0, (o + 0.5) * in / out - 0.5);
        lo[o] = Math.min((int) Math.floor(s), in - 1);
        hi[o] = Math.min(lo[o] + 1, in - 1);
        weight[o] = (float) (s - Math.floor(s));
      }
    }
  }

  void resizeBilinear(Floats x, int n, int h, int w, int c, int outH, int outW, Floats y) {
    Taps ty = new Taps(h, outH);
    Taps tx = new Taps(w, outW);
    parallel.forRange(
        n * outH,
        (long) n * outH * outW * c * 4,
        (lo, hi) -> {
          for (int row = lo; row < hi; row++) {
            int img = row / outH;
            int oy = row % outH;
            float fy = ty.weight[oy];
            int top = (img * h + ty.lo[oy]) * w;
            int bottom = (img * h + ty.hi[oy]) * w;
            for (int ox = 0; ox < outW; ox++) {
              float fx = tx.weight[ox];
              int l = tx.lo[ox];
              int r = tx.hi[ox];
              int o = ((img * outH + oy) * outW + ox) * c;
              for (int ch = 0; ch < c; ch++) {
                float t = (1 - fx) * x.get((top + l) * c + ch) + fx * x.get((top + r) * c + ch);
                float b =
                    (1 - fx) * x.get((bottom + l) * c + ch) + fx * x.get((bottom + r) * c + ch);
                y.put(o + ch, (1 - fy) * t + fy * b);
              }
            }
          }
        });
  }

  /** The adjoint: each image's gradient is gathered by its own thread (no shared writes). */
  void resizeBilinearBackward(
      Floats dy, int n, int h, int w, int c, int outH, int outW, Floats dx) {
    Taps ty = new Taps(h, outH);
    Taps tx = new Taps(w, outW);
    dx.zero(0, (long) n * h * w * c);
    parallel.forRange(
        n,
        (long) n * outH * outW * c * 4,
        (lo, hi) -> {
          for (int img = lo; img < hi; img++) {
            for (int oy = 0; oy < outH; oy++) {
              float fy = ty.weight[oy];
              int top = (img * h + ty.lo[oy]) * w;
              int bottom = (img * h + ty.hi[oy]) * w;
              for (int ox = 0; ox < outW; ox++) {
                float fx = tx.weight[ox];
                int l = tx.lo[ox];
                int r = tx.hi[ox];
                int o = ((img * outH + oy) * outW + ox) * c;
                for (int ch = 0; ch < c; ch++) {
                  float d = dy.get(o + ch);
                  add(dx, (top + l) * c + ch, d * (1 - fy) * (1 - fx));
                  add(dx, (top + r) * c + ch, d * (1 - fy) * fx);
                  add(dx, (bottom + l) * c + ch, d * fy * (1 - fx));
                  add(dx, (bottom + r) * c + ch, d * fy * fx);
                }
              }
            }
          }
        });
  }

  private static void add(Floats f, int i, float v) {
    f.put(i, f.get(i) + v);
  }

  // ---------------------------------------------------------------- layer normalisation

  void layerNormForward(
      Floats x,
      int rows,
      int cols,
      Floats gamma,
      Floats beta,
      float eps,
      Floats y,
      Floats mean,
      Floats rstd) {
    parallel.forRange(
        rows,
        (long) rows * cols * 3,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int base = r * cols;
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += x.get(base + j);
            double mu = sum / cols;
            double sq = 0;
            for (int j = 0; j < cols; j++) {
              double d = x.get(base + j) - mu;
              sq += d * d;
            }
            float inv = (float) (1 / Math.sqrt(sq / cols + eps));
            float m = (float) mu;
            mean.put(r, m);
            rstd.put(r, inv);
            for (int j = 0; j < cols; j++) {
              float v = (x.get(base + j) - m) * inv;
              if (gamma != null) v *= gamma.get(j);
              if (beta != null) v += beta.get(j);
              y.put(base + j, v);
            }
          }
        });
  }

  void layerNormBackward(
      Floats x,
      Floats dy,
      int rows,
      int cols,
      Floats mean,
      Floats rstd,
      Floats gamma,
      Floats dx,
      Floats dGamma,
      Floats dBeta) {
    int parts = Math.max(1, Math.min(parallel.threads(), rows));
    float[][] dg = new float[parts][cols];
    float[][] db = new float[parts][cols];
    parallel.forRange(
        parts,
        (long) rows * cols * 4,
        (plo, phi) -> {
          for (int p = plo; p < phi; p++) {
            int r0 = (int) ((long) rows * p / parts);
            int r1 = (int) ((long) rows * (p + 1) / parts);
            for (int r = r0; r < r1; r++) {
              int base = r * cols;
              float m = mean.get(r);
              float inv = rstd.get(r);
              double sumD = 0;
              double sumDx = 0;
              for (int j = 0; j < cols; j++) {
                float xhat = (x.get(base + j) - m) * inv;
                float g = dy.get(base + j);
                float d = gamma == null ? g : g * gamma.get(j);
                sumD += d;
                sumDx += d * xhat;
                dg[p][j] += g * xhat;
                db[p][j] += g;
              }
              float meanD = (float) (sumD / cols);
              float meanDx = (float) (sumDx / cols);
              for (int j = 0; j < cols; j++) {
                float xhat = (x.get(base + j) - m) * inv;
                float g = dy.get(base + j);
                float d = gamma == null ? g : g * gamma.get(j);
                dx.put(base + j, inv * (d - meanD - xhat * meanDx));
              }
            }
          }
        });
    for (int j = 0; j < cols; j++) {
      float sg = 0;
      float sb = 0;
      for (int p = 0; p < parts; p++) {
        sg += dg[p][j];
        sb += db[p][j];
      }
      if (dGamma != null) dGamma.put(j, sg);
      if (dBeta != null) dBeta.put(j, sb);
    }
  }

  // ---------------------------------------------------------------- checked entry points

  void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    Ranges.check("unary", x, 0, n);
    Ranges.check("unary", y, 0, n);
    unary(op, alpha, floats(x), floats(y), n);
  }

  void unaryBackward(
      UnaryOp op,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n) {
    for (DeviceBuffer b : new DeviceBuffer[] {x, y, dy, dx}) Ranges.check("unaryBackward", b, 0, n);
    unaryBackward(op, alpha, floats(x), floats(y), floats(dy), floats(dx), n);
  }

  void binaryBackward(
      BinaryOp op,
      DeviceBuffer a,
      DeviceBuffer b,
      DeviceBuffer dy,
      DeviceBuffer da,
      DeviceBuffer db,
      long n) {
    for (DeviceBuffer buf : new DeviceBuffer[] {a, b, dy, da, db}) {
      if (buf != null) Ranges.check("binaryBackward", buf, 0, n);
    }
    binaryBackward(
        op,
        floats(a),
        floats(b),
        floats(dy),
        da == null ? null : floats(da),
        db == null ? null : floats(db),
        n);
  }

  void binaryBroadcast(
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
    Ranges.check("binaryBroadcast", a, 0, av.extent());
    Ranges.check("binaryBroadcast", b, 0, bv.extent());
    Ranges.check("binaryBroadcast", out, outOffset, av.size());
    binaryBroadcast(op, floats(a), av, floats(b), bv, floats(out), outOffset);
  }

  void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    if (!Arrays.equals(from.shape(), to.shape())) {
      throw new IllegalArgumentException("copyStrided: views of shapes " + from + " and " + to);
    }
    if (to.repeats()) {
      throw new IllegalArgumentException(
          "copyStrided: the destination " + to + " repeats elements");
    }
    Ranges.check("copyStrided", src, 0, from.extent());
    Ranges.check("copyStrided", dst, 0, to.extent());
    copyStrided(floats(src), from, floats(dst), to);
  }

  void reduce(ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out) {
    ReduceBlocks blocks = ReduceBlocks.of(shape, axes);
    Ranges.check("reduce", x, 0, blocks.size());
    Ranges.check("reduce", out, 0, blocks.keptSize());
    reduce(op, floats(x), shape, axes, scale, floats(out));
  }

  void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    checkResize("resizeBilinear", n, h, w, c, outH, outW);
    Ranges.check("resizeBilinear", x, 0, (long) n * h * w * c);
    Ranges.check("resizeBilinear", y, 0, (long) n * outH * outW * c);
    resizeBilinear(floats(x), n, h, w, c, outH, outW, floats(y));
  }

  void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    checkResize("resizeBilinearBackward", n, h, w, c, outH, outW);
    Ranges.check("resizeBilinearBackward", dy, 0, (long) n * outH * outW * c);
    Ranges.check("resizeBilinearBackward", dx, 0, (long) n * h * w * c);
    resizeBilinearBackward(floats(dy), n, h, w, c, outH, outW, floats(dx));
  }

  private static void checkResize(String op, int n, int h, int w, int c, int outH, int outW) {
    if (n < 1 || h < 1 || w < 1 || c < 1 || outH < 1 || outW < 1) {
      throw new IllegalArgumentException(
          op
              + ": sizes must be >= 1, got n="
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
  }

  void layerNormForward(
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
    Ranges.check("layerNormForward", x, 0, n);
    Ranges.check("layerNormForward", y, 0, n);
    Ranges.check("layerNormForward", mean, 0, rows);
    Ranges.check("layerNormForward", rstd, 0, rows);
    if (gamma != null) Ranges.check("layerNormForward", gamma, 0, cols);
    if (beta != null) Ranges.check("layerNormForward", beta, 0, cols);
    layerNormForward(
        floats(x),
        rows,
        cols,
        gamma == null ? null : floats(gamma),
        beta == null ? null : floats(beta),
        eps,
        floats(y),
        floats(mean),
        floats(rstd));
  }

  void layerNormBackward(
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
    Ranges.check("layerNormBackward", x, 0, n);
    Ranges.check("layerNormBackward", dy, 0, n);
    Ranges.check("layerNormBackward", dx, 0, n);
    Ranges.check("layerNormBackward", mean, 0, rows);
    Ranges.check("layerNormBackward", rstd, 0, rows);
    if (gamma != null) Ranges.check("layerNormBackward", gamma, 0, cols);
    if (dGamma != null) Ranges.check("layerNormBackward", dGamma, 0, cols);
    if (dBeta != null) Ranges.check("layerNormBackward", dBeta, 0, cols);
    layerNormBackward(
        floats(x),
        floats(dy),
        rows,
        cols,
        floats(mean),
        floats(rstd),
        gamma == null ? null : floats(gamma),
        floats(dx),
        dGamma == null ? null : floats(dGamma),
        dBeta == null ? null : floats(dBeta));
  }
}
