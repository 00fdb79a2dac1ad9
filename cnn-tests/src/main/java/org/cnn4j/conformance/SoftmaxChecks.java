package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.Backend;

/** Row softmax and its gradient against the reference. */
public final class SoftmaxChecks extends Checks {

  /** Logits uniform in [-logitScale, logitScale]; 1e4 checks the max-subtraction. */
  public record SoftmaxCase(int rows, int cols, float logitScale, boolean inPlace) {
    @Override
    public String toString() {
      return "rows="
          + rows
          + " cols="
          + cols
          + " logits +-"
          + logitScale
          + (inPlace ? " in place" : "");
    }
  }

  public SoftmaxChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  /** The backward cases: the forward ones without in-place (which the SPI does not allow there). */
  public static List<SoftmaxCase> backwardCases() {
    return cases().stream().filter(c -> !c.inPlace()).toList();
  }

  public static List<SoftmaxCase> cases() {
    return List.of(
        new SoftmaxCase(1, 1, 3f, false),
        new SoftmaxCase(4, 10, 3f, false),
        new SoftmaxCase(4, 10, 3f, true),
        new SoftmaxCase(3, 1000, 5f, false),
        new SoftmaxCase(5, 10, 1e4f, false),
        new SoftmaxCase(2, 7, 1e4f, true));
  }

  public void softmax(SoftmaxCase c) {
    float[] x = Inputs.forCase(c).uniform(c.rows() * c.cols(), -c.logitScale(), c.logitScale());
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin ty = c.inPlace() ? tx : s.upload(Inputs.filled(x.length, Float.NaN));
      s.run(b -> b.softmax(tx.on(b), ty.on(b), c.rows(), c.cols()));
      float[] got = s.got(ty);
      Compare.finite("softmax " + c, got);
      float[] want = s.want(ty);
      Compare.close("softmax " + c, got, want, Tolerances.ROW_SUM, Inputs.abs(want), c.cols());
    }
  }

  /** dx = y * (dy - sum(dy * y)) with y a true softmax output. */
  public void backward(SoftmaxCase c) {
    Inputs in = Inputs.forCase(c);
    float[] logits = in.uniform(c.rows() * c.cols(), -c.logitScale(), c.logitScale());
    float[] y = new float[logits.length];
    float[] dy = in.uniform(logits.length, -1, 1);
    float[] mag = new float[logits.length];
    for (int r = 0; r < c.rows(); r++) {
      double[] p = ReferenceBackend.softmaxRow(logits, r * c.cols(), c.cols());
      double dot = 0;
      for (int j = 0; j < c.cols(); j++) {
        y[r * c.cols() + j] = (float) p[j];
        dot += Math.abs(dy[r * c.cols() + j] * p[j]);
      }
      for (int j = 0; j < c.cols(); j++)
        mag[r * c.cols() + j] = (float) (p[j] * (Math.abs(dy[r * c.cols() + j]) + dot));
    }
    try (Session s = session()) {
      Twin ty = s.upload(y);
      Twin tdy = s.upload(dy);
      // The SPI allows aliasing for softmax's forward only, so dx is always a buffer of its own.
      Twin tdx = s.upload(Inputs.filled(y.length, Float.NaN));
      s.run(b -> b.softmaxBackward(ty.on(b), tdy.on(b), tdx.on(b), c.rows(), c.cols()));
      s.expectClose("softmaxBackward " + c, tdx, Tolerances.ROW_SUM, mag, c.cols() + 2L);
    }
  }
}
