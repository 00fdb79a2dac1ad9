package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.Backend;

/** Batch-norm statistics, apply, both in one training call, and backward against the reference. */
public final class BatchNormChecks extends Checks {

  /** x is [rows, cols] (NHWC flattened), values uniform in [-1, 3] so the mean is not 0. */
  public record BatchNormCase(int rows, int cols, float eps, boolean inPlace) {
    @Override
    public String toString() {
      return "rows=" + rows + " cols=" + cols + " eps=" + eps + (inPlace ? " in place" : "");
    }
  }

  public BatchNormChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<BatchNormCase> cases() {
    return List.of(
        new BatchNormCase(1, 4, 1e-3f, false),
        new BatchNormCase(18, 5, 1e-3f, false),
        new BatchNormCase(18, 5, 1e-3f, true),
        new BatchNormCase(256, 3, 1e-5f, false),
        new BatchNormCase(500, 1, 1e-3f, false),
        new BatchNormCase(64, 16, 1e-5f, false),
        // Over a million values: a backend's multi-threaded path (the CPU's oneDNN one).
        new BatchNormCase(65_536, 17, 1e-3f, false));
  }

  private record Data(
      float[] x, float[] mean, float[] variance, float[] gamma, float[] beta, float[] dy) {}

  /** Inputs; mean and variance are the reference's batch statistics, shared by both backends. */
  private Data data(BatchNormCase c) {
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform(c.rows() * c.cols(), -1, 3);
    float[] mean = new float[c.cols()];
    float[] variance = new float[c.cols()];
    for (int j = 0; j < c.cols(); j++) {
      double sum = 0;
      for (int r = 0; r < c.rows(); r++) sum += x[r * c.cols() + j];
      double mu = sum / c.rows();
      double sq = 0;
      for (int r = 0; r < c.rows(); r++) sq += Math.pow(x[r * c.cols() + j] - mu, 2);
      mean[j] = (float) mu;
      variance[j] = (float) (sq / c.rows());
    }
    return new Data(
        x,
        mean,
        variance,
        in.uniform(c.cols(), 0.5, 1.5),
        in.uniform(c.cols(), -0.5, 0.5),
        in.uniform(x.length, -1, 1));
  }

  public void statistics(BatchNormCase c) {
    Data d = data(c);
    try (Session s = session()) {
      Twin x = s.upload(d.x());
      Twin mean = s.upload(Inputs.filled(c.cols(), Float.NaN));
      Twin variance = s.upload(Inputs.filled(c.cols(), Float.NaN));
      s.run(b -> b.batchNormStatistics(x.on(b), c.rows(), c.cols(), mean.on(b), variance.on(b)));
      expectStatistics(s, "batchNormStatistics", c, d, mean, variance);
    }
  }

  /**
   * The column means and variances against the reference, each within a tolerance scaled by the
   * magnitude behind it: a one-pass E[x^2] - E[x]^2 loses about rows * eps * E[x^2], which is
   * allowed through that magnitude.
   */
  private static void expectStatistics(
      Session s, String op, BatchNormCase c, Data d, Twin mean, Twin variance) {
    float[] meanSquare = new float[c.cols()];
    float[] meanAbs = new float[c.cols()];
    for (int i = 0; i < d.x().length; i++) {
      meanSquare[i % c.cols()] += d.x()[i] * d.x()[i] / c.rows();
      meanAbs[i % c.cols()] += Math.abs(d.x()[i]) / c.rows();
    }
    s.expectClose(op + " mean " + c, mean, Tolerances.STATISTICS, meanAbs, c.rows());
    s.expectClose(op + " variance " + c, variance, Tolerances.STATISTICS, meanSquare, c.rows());
  }

  /** Statistics and normalised output of the one-call training op (in place when the case is). */
  public void training(BatchNormCase c) {
    Data d = data(c);
    try (Session s = session()) {
      Twin x = s.upload(d.x());
      Twin gamma = s.upload(d.gamma());
      Twin beta = s.upload(d.beta());
      Twin mean = s.upload(Inputs.filled(c.cols(), Float.NaN));
      Twin variance = s.upload(Inputs.filled(c.cols(), Float.NaN));
      Twin y = c.inPlace() ? x : s.upload(Inputs.filled(d.x().length, Float.NaN));
      s.run(
          b ->
              b.batchNormTraining(
                  x.on(b),
                  c.rows(),
                  c.cols(),
                  gamma.on(b),
                  beta.on(b),
                  c.eps(),
                  mean.on(b),
                  variance.on(b),
                  y.on(b)));
      expectStatistics(s, "batchNormTraining", c, d, mean, variance);
      s.expectClose("batchNormTraining y " + c, y, Tolerances.STATISTICS);
    }
  }

  public void apply(BatchNormCase c) {
    Data d = data(c);
    try (Session s = session()) {
      Twin x = s.upload(d.x());
      Twin mean = s.upload(d.mean());
      Twin variance = s.upload(d.variance());
      Twin gamma = s.upload(d.gamma());
      Twin beta = s.upload(d.beta());
      Twin y = c.inPlace() ? x : s.upload(Inputs.filled(d.x().length, Float.NaN));
      s.run(
          b ->
              b.batchNormApply(
                  x.on(b),
                  c.rows(),
                  c.cols(),
                  mean.on(b),
                  variance.on(b),
                  gamma.on(b),
                  beta.on(b),
                  c.eps(),
                  y.on(b)));
      s.expectClose("batchNormApply " + c, y, Tolerances.STATISTICS);
    }
  }

  /** dx, dGamma and dBeta, all overwritten (they start as NaN). */
  public void backward(BatchNormCase c) {
    Data d = data(c);
    int n = d.x().length;
    try (Session s = session()) {
      Twin x = s.upload(d.x());
      Twin dy = s.upload(d.dy());
      Twin mean = s.upload(d.mean());
      Twin variance = s.upload(d.variance());
      Twin gamma = s.upload(d.gamma());
      Twin dx = s.upload(Inputs.filled(n, Float.NaN));
      Twin dGamma = s.upload(Inputs.filled(c.cols(), Float.NaN));
      Twin dBeta = s.upload(Inputs.filled(c.cols(), Float.NaN));
      s.run(
          b ->
              b.batchNormBackward(
                  x.on(b),
                  dy.on(b),
                  c.rows(),
                  c.cols(),
                  mean.on(b),
                  variance.on(b),
                  gamma.on(b),
                  c.eps(),
                  dx.on(b),
                  dGamma.on(b),
                  dBeta.on(b)));
      // Magnitudes of the sums behind each result, from the definition in ReferenceBackend.
      float[] sumAbsDy = new float[c.cols()];
      float[] sumAbsDyXhat = new float[c.cols()];
      for (int i = 0; i < n; i++) {
        int j = i % c.cols();
        double xhat = (d.x()[i] - d.mean()[j]) / Math.sqrt(d.variance()[j] + c.eps());
        sumAbsDy[j] += Math.abs(d.dy()[i]);
        sumAbsDyXhat[j] += (float) Math.abs(d.dy()[i] * xhat);
      }
      float[] dxMag = new float[n];
      for (int i = 0; i < n; i++) {
        int j = i % c.cols();
        double invStd = 1 / Math.sqrt(d.variance()[j] + c.eps());
        double xhat = (d.x()[i] - d.mean()[j]) * invStd;
        dxMag[i] =
            (float)
                (Math.abs(d.gamma()[j])
                    * invStd
                    * (Math.abs(d.dy()[i])
                        + (sumAbsDy[j] + Math.abs(xhat) * sumAbsDyXhat[j]) / c.rows()));
      }
      s.expectClose(
          "batchNormBackward dBeta " + c, dBeta, Tolerances.STATISTICS, sumAbsDy, c.rows());
      s.expectClose(
          "batchNormBackward dGamma " + c, dGamma, Tolerances.STATISTICS, sumAbsDyXhat, c.rows());
      s.expectClose("batchNormBackward dx " + c, dx, Tolerances.STATISTICS, dxMag, c.rows());
    }
  }
}
