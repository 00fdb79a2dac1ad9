package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;

import java.util.Arrays;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.Ranges;

/**
 * Sums and broadcasts over an axis, and the row ops that reduce: softmax and the losses (whose
 * fused gradients they write in the same pass).
 */
final class Reductions {
  private static final float CLIP = 1e-7f;

  private final Parallel parallel;

  Reductions(Parallel parallel) {
    this.parallel = parallel;
  }

  void reduceMiddle(DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out) {
    Floats in = floats(x);
    Floats o = floats(out);
    Ranges.check("reduceMiddle", x, 0, (long) outer * mid * inner);
    Ranges.check("reduceMiddle", out, 0, (long) outer * inner);
    long work = (long) outer * mid * inner;
    if (outer >= parallel.threads() || work < Parallel.MIN_WORK_PER_THREAD * 2) {
      parallel.forRange(
          outer,
          work,
          (lo, hi) -> {
            double[] acc = new double[inner];
            for (int b = lo; b < hi; b++) {
              Arrays.fill(acc, 0);
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
              Arrays.fill(partial[p], 0);
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

  void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y) {
    Floats s = floats(src);
    Floats out = floats(y);
    Ranges.check("broadcastMiddle", src, 0, (long) outer * inner);
    Ranges.check("broadcastMiddle", y, 0, (long) outer * mid * inner);
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

  void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
    Ranges.check("softmax", x, 0, (long) rows * cols);
    Ranges.check("softmax", y, 0, (long) rows * cols);

    Floats in = floats(x);
    Floats out = floats(y);
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

  void softmaxBackward(DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols) {
    for (DeviceBuffer b : new DeviceBuffer[] {y, dy, dx})
      Ranges.check("softmaxBackward", b, 0, (long) rows * cols);

    Floats p = floats(y);
    Floats g = floats(dy);
    Floats d = floats(dx);
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

  void loss(
      LossKind kind,
      DeviceBuffer pred,
      DeviceBuffer target,
      int rows,
      int cols,
      DeviceBuffer lossPerRow,
      DeviceBuffer grad,
      float gradScale) {
    Floats p = floats(pred);
    Floats t = floats(target);
    Floats l = floats(lossPerRow);
    Floats g = grad == null ? null : floats(grad);
    Ranges.check("loss", pred, 0, (long) rows * cols);
    Ranges.check("loss", target, 0, kind.sparseTargets() ? rows : (long) rows * cols);
    Ranges.check("loss", lossPerRow, 0, rows);
    if (grad != null) Ranges.check("loss", grad, 0, (long) rows * cols);
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
}
