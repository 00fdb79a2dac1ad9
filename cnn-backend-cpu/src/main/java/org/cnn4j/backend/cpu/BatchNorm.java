package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;
import static org.cnn4j.backend.cpu.CpuBuffer.own;

import org.cnn4j.spi.BatchNormOps;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;

/**
 * Batch normalisation: through oneDNN's batch-normalisation primitive where oneDNN is used (its
 * vectorised passes, statistics and normalisation in one call in training), else column statistics
 * in double, the affine apply and the gradients as Java loops.
 */
final class BatchNorm implements BatchNormOps {
  private final Parallel parallel;

  /** oneDNN's primitives, or null when it is not used. */
  private final DnnlBatchNorm dnnl;

  BatchNorm(Parallel parallel, DnnlBatchNorm dnnl) {
    this.parallel = parallel;
    this.dnnl = dnnl;
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
    if (dnnl == null) {
      BatchNormOps.super.batchNormTraining(x, rows, cols, gamma, beta, eps, mean, variance, y);
      return;
    }
    Ranges.check("batchNormTraining", x, 0, (long) rows * cols);
    Ranges.check("batchNormTraining", y, 0, (long) rows * cols);
    for (DeviceBuffer b : new DeviceBuffer[] {mean, variance, gamma, beta})
      Ranges.check("batchNormTraining", b, 0, cols);
    dnnl.forward(
        false, rows, cols, eps, own(x), own(gamma), own(beta), own(mean), own(variance), own(y));
  }

  @Override
  public void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance) {
    Ranges.check("batchNormStatistics", x, 0, (long) rows * cols);
    Ranges.check("batchNormStatistics", mean, 0, cols);
    Ranges.check("batchNormStatistics", variance, 0, cols);

    Floats in = floats(x);
    double[] sum = columnSums(in, rows, cols, null, null);
    double[] mu = new double[cols];
    for (int j = 0; j < cols; j++) mu[j] = sum[j] / rows;
    double[] sq = columnSums(in, rows, cols, mu, null);
    Floats m = floats(mean);
    Floats v = floats(variance);
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
    Ranges.check("batchNormApply", x, 0, (long) rows * cols);
    Ranges.check("batchNormApply", y, 0, (long) rows * cols);
    for (DeviceBuffer b : new DeviceBuffer[] {mean, variance, gamma, beta})
      Ranges.check("batchNormApply", b, 0, cols);
    if (dnnl != null) {
      dnnl.forward(
          true, rows, cols, eps, own(x), own(gamma), own(beta), own(mean), own(variance), own(y));
      return;
    }

    Floats in = floats(x);
    Floats out = floats(y);
    float[] scale = new float[cols];
    float[] shift = new float[cols];
    for (int j = 0; j < cols; j++) {
      float inv = (float) (1.0 / Math.sqrt(floats(variance).get(j) + (double) eps));
      scale[j] = floats(gamma).get(j) * inv;
      shift[j] = floats(beta).get(j) - floats(mean).get(j) * scale[j];
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
      Ranges.check("batchNormBackward", b, 0, (long) rows * cols);
    for (DeviceBuffer b : new DeviceBuffer[] {mean, variance, gamma, dGamma, dBeta})
      Ranges.check("batchNormBackward", b, 0, cols);
    if (dnnl != null) {
      dnnl.backward(
          rows,
          cols,
          eps,
          own(x),
          own(dy),
          own(mean),
          own(variance),
          own(gamma),
          own(dx),
          own(dGamma),
          own(dBeta));
      return;
    }

    Floats in = floats(x);
    Floats g = floats(dy);
    Floats d = floats(dx);
    double[] mu = new double[cols];
    double[] inv = new double[cols];
    for (int j = 0; j < cols; j++) {
      mu[j] = floats(mean).get(j);
      inv[j] = 1.0 / Math.sqrt(floats(variance).get(j) + (double) eps);
    }
    double[] sumDy = columnSums(g, rows, cols, null, null);
    double[] sumDyXc = columnSums(in, rows, cols, mu, g);
    float[] a = new float[cols];
    float[] b = new float[cols];
    float[] c = new float[cols];
    for (int j = 0; j < cols; j++) {
      double dGammaJ = sumDyXc[j] * inv[j];
      floats(dGamma).put(j, (float) dGammaJ);
      floats(dBeta).put(j, (float) sumDy[j]);
      // dx = gamma * inv / N * (N dy - sum(dy) - xhat * sum(dy xhat)), as a*dy + b*x + c.
      double k = floats(gamma).get(j) * inv[j];
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
}
