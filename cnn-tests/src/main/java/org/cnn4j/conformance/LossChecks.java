package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.LossKind;

/** Every {@link LossKind}: per-row losses and gradients against the reference. */
public final class LossChecks extends Checks {

  /** How a case's predictions are drawn. */
  public enum Predictions {
    /** Ordinary values for the kind (logits in +-3, probabilities well inside (0, 1)). */
    TYPICAL,
    /** Logits in +-1e4: the losses and gradients must stay finite. */
    LARGE_LOGITS,
    /** Probabilities exactly 0 and 1: the clip keeps losses finite. */
    SATURATED;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * One loss call. {@code withGrad} false passes a null grad buffer (loss only). With SATURATED
   * inputs only the losses are compared: the SPI does not define the gradient of the clip there.
   */
  public record LossCase(
      LossKind kind,
      int rows,
      int cols,
      Predictions predictions,
      boolean withGrad,
      float gradScale) {
    @Override
    public String toString() {
      return kind
          + " rows="
          + rows
          + " cols="
          + cols
          + " "
          + predictions
          + (withGrad ? " gradScale=" + gradScale : " loss only");
    }

    boolean logits() {
      return kind == LossKind.SOFTMAX_CROSS_ENTROPY_SPARSE
          || kind == LossKind.SOFTMAX_CROSS_ENTROPY
          || kind == LossKind.BINARY_CROSS_ENTROPY_LOGITS;
    }
  }

  public LossChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<LossCase> cases() {
    List<LossCase> cases = new ArrayList<>();
    for (LossKind kind : LossKind.values()) {
      cases.add(new LossCase(kind, 8, 10, Predictions.TYPICAL, true, 1f / 8));
      cases.add(new LossCase(kind, 1, 1, Predictions.TYPICAL, true, 1f));
      cases.add(new LossCase(kind, 5, 3, Predictions.TYPICAL, false, 1f));
      LossCase probe = new LossCase(kind, 6, 10, Predictions.LARGE_LOGITS, true, 1f / 6);
      if (probe.logits()) {
        cases.add(probe);
      } else if (kind != LossKind.MEAN_SQUARED_ERROR) {
        cases.add(new LossCase(kind, 6, 10, Predictions.SATURATED, true, 1f / 6));
      }
    }
    return cases;
  }

  public void loss(LossCase c) {
    Inputs in = Inputs.forCase(c);
    int n = c.rows() * c.cols();
    float[] pred = predictions(c, in);
    float[] target =
        switch (c.kind()) {
          case SOFTMAX_CROSS_ENTROPY_SPARSE, CROSS_ENTROPY_SPARSE -> in.labels(c.rows(), c.cols());
          case SOFTMAX_CROSS_ENTROPY, CROSS_ENTROPY -> in.distributions(c.rows(), c.cols());
          case BINARY_CROSS_ENTROPY, BINARY_CROSS_ENTROPY_LOGITS -> in.uniform(n, 0, 1);
          case MEAN_SQUARED_ERROR -> in.uniform(n, -2, 2);
        };
    try (Session s = session()) {
      Twin tp = s.upload(pred);
      Twin tt = s.upload(target);
      Twin tl = s.upload(Inputs.filled(c.rows(), Float.NaN));
      Twin tg = c.withGrad() ? s.upload(Inputs.filled(n, Float.NaN)) : null;
      s.run(
          b ->
              b.loss(
                  c.kind(),
                  tp.on(b),
                  tt.on(b),
                  c.rows(),
                  c.cols(),
                  tl.on(b),
                  tg == null ? null : tg.on(b),
                  c.gradScale()));
      float[] got = s.got(tl);
      float[] want = s.want(tl);
      Compare.finite("loss " + c, got);
      // A row's loss sums cols terms each about as large as the row's largest |prediction|.
      float[] lossMag = new float[c.rows()];
      for (int r = 0; r < c.rows(); r++) {
        double largest = 0;
        for (int j = 0; j < c.cols(); j++)
          largest = Math.max(largest, Math.abs(pred[r * c.cols() + j]));
        lossMag[r] = (float) (Math.abs(want[r]) + largest);
      }
      Compare.close("loss per row " + c, got, want, Tolerances.ROW_SUM, lossMag, c.cols());
      if (tg == null) return;
      float[] gotGrad = s.got(tg);
      Compare.finite("loss gradient " + c, gotGrad);
      if (c.predictions() == Predictions.SATURATED) return;
      float[] wantGrad = s.want(tg);
      float[] gradMag = new float[n];
      for (int i = 0; i < n; i++) gradMag[i] = Math.abs(wantGrad[i]) + Math.abs(c.gradScale());
      Compare.close("loss gradient " + c, gotGrad, wantGrad, Tolerances.ROW_SUM, gradMag, c.cols());
    }
  }

  private static float[] predictions(LossCase c, Inputs in) {
    int n = c.rows() * c.cols();
    if (c.kind() == LossKind.MEAN_SQUARED_ERROR) return in.uniform(n, -2, 2);
    float scale = c.predictions() == Predictions.LARGE_LOGITS ? 1e4f : 3f;
    float[] logits = in.uniform(n, -scale, scale);
    if (c.logits()) return logits;
    float[] p = new float[n];
    boolean rowsSumToOne = c.kind() != LossKind.BINARY_CROSS_ENTROPY;
    for (int r = 0; r < c.rows(); r++) {
      double[] s = ReferenceBackend.softmaxRow(logits, r * c.cols(), c.cols());
      for (int j = 0; j < c.cols(); j++) {
        int i = r * c.cols() + j;
        p[i] = (float) (rowsSumToOne ? s[j] : 1 / (1 + Math.exp(-logits[i])));
      }
    }
    if (c.predictions() == Predictions.SATURATED) {
      // Every third probability exactly 0, every fifth exactly 1: log would be -Inf without the
      // clip.
      for (int i = 0; i < n; i++) {
        if (i % 3 == 0) p[i] = 0f;
        else if (i % 5 == 0) p[i] = 1f;
      }
    }
    return p;
  }
}
