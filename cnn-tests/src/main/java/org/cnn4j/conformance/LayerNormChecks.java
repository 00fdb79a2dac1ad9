package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.Backend;

/**
 * {@link Backend#layerNormForward} and {@link Backend#layerNormBackward} against the reference,
 * with and without gamma and beta, rows = 1, cols = 1, rows whose mean is far from 0 (a one-pass
 * variance cancels there), many rows (the parameter gradients' column sums split into slices). Row
 * statistics and what is computed from them: {@link Tolerances#STATISTICS}; the parameter
 * gradients, column sums: {@link Tolerances#ACCUMULATED}.
 */
public final class LayerNormChecks extends Checks {

  /**
   * A [rows, cols] case; {@code shift} is added to every x, {@code inPlace} makes y the buffer of x
   * (forward); backward {@code params} asks for dGamma and dBeta.
   */
  public record LayerNormCase(
      int rows,
      int cols,
      boolean gamma,
      boolean beta,
      float eps,
      float shift,
      boolean inPlace,
      boolean params) {
    @Override
    public String toString() {
      return "rows="
          + rows
          + " cols="
          + cols
          + (gamma ? " gamma" : " no gamma")
          + (beta ? " beta" : " no beta")
          + " eps="
          + eps
          + (shift != 0f ? " x+" + shift : "")
          + (inPlace ? " in place" : "")
          + (params ? "" : " no parameter gradients");
    }

    int length() {
      return rows * cols;
    }
  }

  public LayerNormChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<LayerNormCase> cases() {
    return List.of(
        new LayerNormCase(1, 1, true, true, 1e-3f, 0f, false, true),
        new LayerNormCase(5, 1, true, true, 1e-3f, 0f, false, true),
        new LayerNormCase(1, 7, true, true, 1e-3f, 0f, false, true),
        new LayerNormCase(33, 10, true, true, 1e-3f, 0f, false, true),
        new LayerNormCase(33, 10, false, false, 1e-3f, 0f, false, true),
        new LayerNormCase(33, 10, true, false, 1e-5f, 0f, false, true),
        new LayerNormCase(33, 10, false, true, 1e-5f, 0f, false, false),
        new LayerNormCase(33, 10, true, true, 1e-3f, 0f, true, false),
        new LayerNormCase(8, 300, true, true, 1e-3f, 3f, false, true),
        new LayerNormCase(4, 768, true, true, 1e-5f, 0f, false, true),
        new LayerNormCase(2000, 3, true, true, 1e-3f, 0f, false, true),
        new LayerNormCase(700, 16, true, true, 1e-3f, 0f, true, true));
  }

  /** y, mean and rstd start as NaN: they are overwritten. */
  public void forward(LayerNormCase c) {
    Inputs in = Inputs.forCase(c);
    float[] x = shifted(in.uniform(c.length(), -1, 1), c.shift());
    float[] gamma = in.uniform(c.cols(), 0.5, 1.5);
    float[] beta = in.uniform(c.cols(), -0.5, 0.5);
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin ty = c.inPlace() ? tx : s.upload(Inputs.filled(c.length(), Float.NaN));
      Twin tg = c.gamma() ? s.upload(gamma) : null;
      Twin tb = c.beta() ? s.upload(beta) : null;
      Twin mean = s.upload(Inputs.filled(c.rows(), Float.NaN));
      Twin rstd = s.upload(Inputs.filled(c.rows(), Float.NaN));
      s.run(
          b ->
              b.layerNormForward(
                  tx.on(b),
                  c.rows(),
                  c.cols(),
                  tg == null ? null : tg.on(b),
                  tb == null ? null : tb.on(b),
                  c.eps(),
                  ty.on(b),
                  mean.on(b),
                  rstd.on(b)));
      s.expectClose("layerNormForward y " + c, ty, Tolerances.STATISTICS);
      s.expectClose("layerNormForward mean " + c, mean, Tolerances.STATISTICS);
      s.expectClose("layerNormForward rstd " + c, rstd, Tolerances.STATISTICS);
    }
  }

  /**
   * From the statistics the reference's forward made (the same for both backends). dx, dGamma and
   * dBeta start as NaN: they are overwritten.
   */
  public void backward(LayerNormCase c) {
    Inputs in = Inputs.forCase(c);
    float[] x = shifted(in.uniform(c.length(), -1, 1), c.shift());
    float[] gamma = in.uniform(c.cols(), 0.5, 1.5);
    float[] dy = in.uniform(c.length(), -1, 1);
    try (Session s = session()) {
      var statsMean = s.referenceOnly(new float[c.rows()]);
      var statsRstd = s.referenceOnly(new float[c.rows()]);
      reference.layerNormForward(
          s.referenceOnly(x),
          c.rows(),
          c.cols(),
          null,
          null,
          c.eps(),
          s.referenceOnly(new float[c.length()]),
          statsMean,
          statsRstd);
      Twin tx = s.upload(x);
      Twin tdy = s.upload(dy);
      Twin mean = s.upload(s.readReference(statsMean, c.rows()));
      Twin rstd = s.upload(s.readReference(statsRstd, c.rows()));
      Twin tg = c.gamma() ? s.upload(gamma) : null;
      Twin dx = s.upload(Inputs.filled(c.length(), Float.NaN));
      Twin dGamma = c.params() ? s.upload(Inputs.filled(c.cols(), Float.NaN)) : null;
      Twin dBeta = c.params() ? s.upload(Inputs.filled(c.cols(), Float.NaN)) : null;
      s.run(
          b ->
              b.layerNormBackward(
                  tx.on(b),
                  tdy.on(b),
                  c.rows(),
                  c.cols(),
                  mean.on(b),
                  rstd.on(b),
                  tg == null ? null : tg.on(b),
                  dx.on(b),
                  dGamma == null ? null : dGamma.on(b),
                  dBeta == null ? null : dBeta.on(b)));
      s.expectClose("layerNormBackward dx " + c, dx, Tolerances.STATISTICS);
      if (!c.params()) return;
      // Column sums over the rows: the summation bound, with |dy * xhat| and |dy| as magnitudes
      // (a few more terms for the roundings in xhat).
      float[] m = s.want(mean);
      float[] r = s.want(rstd);
      float[] magGamma = new float[c.cols()];
      float[] magBeta = new float[c.cols()];
      for (int row = 0; row < c.rows(); row++) {
        for (int j = 0; j < c.cols(); j++) {
          int i = row * c.cols() + j;
          magGamma[j] += Math.abs(dy[i] * (x[i] - m[row]) * r[row]);
          magBeta[j] += Math.abs(dy[i]);
        }
      }
      s.expectClose(
          "layerNormBackward dGamma " + c, dGamma, Tolerances.ACCUMULATED, magGamma, c.rows() + 4L);
      s.expectClose(
          "layerNormBackward dBeta " + c, dBeta, Tolerances.ACCUMULATED, magBeta, c.rows());
    }
  }

  private static float[] shifted(float[] x, float shift) {
    for (int i = 0; i < x.length; i++) x[i] += shift;
    return x;
  }
}
