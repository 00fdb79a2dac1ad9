package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;

/**
 * The layer epilogues with every activation: {@link Backend#biasActivationForward} and {@link
 * Backend#activationBackwardBias} (each through the backend and the SPI defaults), and the fused
 * convolutions with the activations beyond the first five. The fused backward ops differentiate
 * from the output alone, so they take only the kinds whose {@link
 * ActivationKind#derivativeFromOutput()} holds and must reject the others.
 */
public final class EpilogueChecks extends Checks {

  /** y [rows, cols] = f(y + bias) in place; {@code bias} false passes null. */
  public record BiasActivationCase(
      ActivationKind kind, float alpha, int rows, int cols, boolean bias, OpPath path) {
    @Override
    public String toString() {
      return kind
          + (alpha != 0f ? " alpha=" + alpha : "")
          + " "
          + rows
          + "x"
          + cols
          + (bias ? " bias" : " no bias")
          + " ["
          + path
          + "]";
    }
  }

  /**
   * dz = dy * f'(y) and, with {@code dBias}, its column sums; {@code inPlace} makes dz the buffer
   * of dy.
   */
  public record BackwardBiasCase(
      ActivationKind kind,
      float alpha,
      int rows,
      int cols,
      boolean dBias,
      boolean inPlace,
      OpPath path) {
    @Override
    public String toString() {
      return kind
          + (alpha != 0f ? " alpha=" + alpha : "")
          + " "
          + rows
          + "x"
          + cols
          + (dBias ? " dBias" : " no dBias")
          + (inPlace ? " dz=dy" : "")
          + " ["
          + path
          + "]";
    }
  }

  /** A fused convolution with bias on one geometry and path. */
  public record FusedConvCase(
      String label, Conv2dSpec spec, ActivationKind kind, float alpha, OpPath path) {
    @Override
    public String toString() {
      return kind + (alpha != 0f ? " alpha=" + alpha : "") + ", " + label + " [" + path + "]";
    }
  }

  public EpilogueChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  /** Every kind at Keras' alpha, and the kinds with an alpha at a second value. */
  private static List<float[]> kindsAndAlphas() {
    List<float[]> all = new ArrayList<>();
    for (ActivationKind kind : ActivationKind.values()) {
      all.add(new float[] {kind.ordinal(), ElementwiseChecks.defaultAlpha(kind)});
    }
    all.add(new float[] {ActivationKind.LEAKY_RELU.ordinal(), 0.2f});
    all.add(new float[] {ActivationKind.CLIPPED_RELU.ordinal(), 1f});
    all.add(new float[] {ActivationKind.ELU.ordinal(), 0.5f});
    return all;
  }

  private static ActivationKind kind(float[] kindAndAlpha) {
    return ActivationKind.values()[(int) kindAndAlpha[0]];
  }

  public static List<BiasActivationCase> biasActivationCases() {
    List<BiasActivationCase> cases = new ArrayList<>();
    for (OpPath path : OpPath.values()) {
      for (float[] ka : kindsAndAlphas()) {
        ActivationKind kind = kind(ka);
        cases.add(new BiasActivationCase(kind, ka[1], 1, 1, true, path));
        cases.add(new BiasActivationCase(kind, ka[1], 37, 5, true, path));
        cases.add(new BiasActivationCase(kind, ka[1], 37, 5, false, path));
      }
    }
    return cases;
  }

  /** The kinds whose derivative comes from y; 3001 rows make a device sum the bias in slices. */
  public static List<BackwardBiasCase> backwardBiasCases() {
    List<BackwardBiasCase> cases = new ArrayList<>();
    for (OpPath path : OpPath.values()) {
      for (float[] ka : kindsAndAlphas()) {
        ActivationKind kind = kind(ka);
        if (!kind.derivativeFromOutput()) continue;
        cases.add(new BackwardBiasCase(kind, ka[1], 1, 1, true, false, path));
        cases.add(new BackwardBiasCase(kind, ka[1], 3001, 7, true, false, path));
        cases.add(new BackwardBiasCase(kind, ka[1], 3001, 7, true, true, path));
        cases.add(new BackwardBiasCase(kind, ka[1], 40, 9, false, false, path));
      }
    }
    return cases;
  }

  /** The kinds whose derivative needs x, which the fused backward ops must reject. */
  public static List<ActivationKind> inputDerivativeKinds() {
    return java.util.Arrays.stream(ActivationKind.values())
        .filter(k -> !k.derivativeFromOutput())
        .toList();
  }

  private static List<FusedConvCase> fusedGeometries(ActivationKind kind, float alpha) {
    List<FusedConvCase> g = new ArrayList<>();
    for (OpPath path : OpPath.values()) {
      g.add(
          new FusedConvCase(
              "odd sizes, same",
              Conv2dSpec.of(3, 7, 5, 3, 3, 3, 5, 1, 1, Padding.SAME, 1, 1, 1),
              kind,
              alpha,
              path));
      g.add(
          new FusedConvCase(
              "1x1 kernel",
              Conv2dSpec.of(2, 5, 4, 3, 1, 1, 4, 1, 1, Padding.VALID, 1, 1, 1),
              kind,
              alpha,
              path));
      g.add(
          new FusedConvCase(
              "groups 2",
              Conv2dSpec.of(2, 6, 5, 4, 3, 3, 6, 1, 1, Padding.SAME, 1, 1, 2),
              kind,
              alpha,
              path));
      g.add(
          new FusedConvCase(
              "depthwise, multiplier 2, stride 2",
              Conv2dSpec.of(2, 7, 8, 3, 3, 3, 6, 2, 2, Padding.SAME, 1, 1, 3),
              kind,
              alpha,
              path));
    }
    return g;
  }

  /** The kinds Keras 3 added to the first five (linear, ReLU, sigmoid, tanh, leaky ReLU). */
  private static boolean added(ActivationKind kind) {
    return kind.ordinal() > ActivationKind.LEAKY_RELU.ordinal();
  }

  public static List<FusedConvCase> fusedForwardCases() {
    List<FusedConvCase> cases = new ArrayList<>();
    for (float[] ka : kindsAndAlphas()) {
      if (added(kind(ka))) cases.addAll(fusedGeometries(kind(ka), ka[1]));
    }
    return cases;
  }

  public static List<FusedConvCase> fusedBackwardCases() {
    List<FusedConvCase> cases = new ArrayList<>();
    for (float[] ka : kindsAndAlphas()) {
      ActivationKind kind = kind(ka);
      if (added(kind) && kind.derivativeFromOutput()) cases.addAll(fusedGeometries(kind, ka[1]));
    }
    return cases;
  }

  // Pre-activations within +-8, away from 0 (the ReLU family's kink): relu6 and the cap 1 clip.
  private static float[] preActivations(Inputs in, int n) {
    return in.awayFromZero(n, 1e-3, 8);
  }

  /** In place, as the layers call it: y holds the product and becomes f(y + bias). */
  public void biasActivation(BiasActivationCase c) {
    Inputs in = Inputs.forCase(c);
    int n = c.rows() * c.cols();
    float[] y = preActivations(in, n);
    float[] bias = in.uniform(c.cols(), -0.5, 0.5);
    try (Session s = session(c.path())) {
      Twin ty = s.upload(y);
      Twin tb = c.bias() ? s.upload(bias) : null;
      s.run(
          b ->
              b.biasActivationForward(
                  c.kind(), c.alpha(), ty.on(b), tb == null ? null : tb.on(b), c.rows(), c.cols()));
      s.expectClose("biasActivationForward " + c, ty, ElementwiseChecks.tolerance(c.kind()));
    }
  }

  /**
   * From y = f(v) as the reference computes it. dz (unless it is dy) and dBias start as NaN: they
   * are overwritten; dy is left alone unless it is dz.
   */
  public void backwardBias(BackwardBiasCase c) {
    Inputs in = Inputs.forCase(c);
    int n = c.rows() * c.cols();
    float[] v = preActivations(in, n);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = (float) ReferenceBackend.activate(c.kind(), c.alpha(), v[i]);
    float[] dy = in.uniform(n, -1, 1);
    try (Session s = session(c.path())) {
      Twin ty = s.upload(y);
      Twin tdy = s.upload(dy);
      Twin tdz = c.inPlace() ? tdy : s.upload(Inputs.filled(n, Float.NaN));
      Twin tdb = c.dBias() ? s.upload(Inputs.filled(c.cols(), Float.NaN)) : null;
      s.run(
          b ->
              b.activationBackwardBias(
                  c.kind(),
                  c.alpha(),
                  ty.on(b),
                  tdy.on(b),
                  tdz.on(b),
                  c.rows(),
                  c.cols(),
                  tdb == null ? null : tdb.on(b)));
      s.expectClose("activationBackwardBias dz " + c, tdz, ElementwiseChecks.tolerance(c.kind()));
      if (!c.inPlace()) {
        s.expectClose("activationBackwardBias leaves dy alone, " + c, tdy, Tolerances.EXACT);
      }
      if (tdb == null) return;
      float[] dz = s.want(tdz);
      float[] mag = new float[c.cols()];
      for (int i = 0; i < n; i++) mag[i % c.cols()] += Math.abs(dz[i]);
      s.expectClose("activationBackwardBias dBias " + c, tdb, Tolerances.FUSED, mag, c.rows());
    }
  }

  /**
   * activationBackwardBias and conv2dBackwardFused throw {@link IllegalArgumentException} for a
   * kind whose derivative needs the input (on both paths), before writing anything.
   */
  public void rejectsInputDerivative(ActivationKind kind) {
    Conv2dSpec spec = Conv2dSpec.of(1, 4, 4, 2, 3, 3, 3, 1, 1, Padding.SAME, 1, 1, 1);
    for (OpPath path : OpPath.values()) {
      try (Session s = session(path)) {
        Twin y = s.upload(new float[12]);
        Twin dy = s.upload(new float[12]);
        Twin dz = s.upload(new float[12]);
        Twin db = s.upload(new float[3]);
        Twin x = s.upload(new float[(int) spec.inputLength()]);
        Twin k = s.upload(new float[(int) spec.kernelLength()]);
        Twin cy = s.upload(new float[(int) spec.outputLength()]);
        Twin cdy = s.upload(new float[(int) spec.outputLength()]);
        Twin dx = s.upload(new float[(int) spec.inputLength()]);
        Twin dk = s.upload(new float[(int) spec.kernelLength()]);
        s.runUnderTest(
            b -> {
              assertThrows(
                  IllegalArgumentException.class,
                  () ->
                      b.activationBackwardBias(
                          kind, 0f, y.on(b), dy.on(b), dz.on(b), 4, 3, db.on(b)),
                  "activationBackwardBias " + kind + " [" + path + "]");
              assertThrows(
                  IllegalArgumentException.class,
                  () ->
                      b.conv2dBackwardFused(
                          spec, x.on(b), k.on(b), cy.on(b), cdy.on(b), kind, 0f, dx.on(b), dk.on(b),
                          db.on(b)),
                  "conv2dBackwardFused " + kind + " [" + path + "]");
            });
      }
    }
  }

  /** y = f(conv(x, kernel) + bias); y starts as NaN since it is overwritten. */
  public void fusedForward(FusedConvCase c) {
    Conv2dSpec s = c.spec();
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform((int) s.inputLength(), -1, 1);
    float[] k = in.uniform((int) s.kernelLength(), -1, 1);
    float[] bias = in.uniform(s.filters(), -0.5, 0.5);
    int rows = s.n() * s.outH() * s.outW();
    try (Session ss = session(c.path())) {
      Twin tx = ss.upload(x);
      Twin tk = ss.upload(k);
      Twin tb = ss.upload(bias);
      Twin ty = ss.upload(Inputs.filled((int) s.outputLength(), Float.NaN));
      ss.run(
          b ->
              b.conv2dForwardFused(s, tx.on(b), tk.on(b), tb.on(b), c.kind(), c.alpha(), ty.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.conv2dForward(
          s, ss.referenceOnly(Inputs.abs(x)), ss.referenceOnly(Inputs.abs(k)), mag);
      reference.biasAdd(mag, ss.referenceOnly(Inputs.abs(bias)), rows, s.filters());
      float[] magnitude = ss.readReference(mag, (int) s.outputLength());
      // The product's rounding error passes through f, scaled by its slope there (exp's is e^v).
      DeviceBuffer pre = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.conv2dForward(s, tx.on(reference), tk.on(reference), pre);
      reference.biasAdd(pre, tb.on(reference), rows, s.filters());
      float[] v = ss.readReference(pre, (int) s.outputLength());
      float[] want = ss.want(ty);
      for (int i = 0; i < magnitude.length; i++) {
        double slope = ReferenceBackend.derivative(c.kind(), c.alpha(), v[i], want[i]);
        magnitude[i] *= (float) Math.max(1, Math.abs(slope));
      }
      ss.expectClose(
          "conv2dForwardFused " + c,
          ty,
          Tolerances.FUSED,
          magnitude,
          (long) s.kh() * s.kw() * s.c() / s.groups() + 1);
    }
  }

  /**
   * From the forward's y (the reference's, the same for both) and dy: dKernel, dBias and dx start
   * as NaN since they are overwritten.
   */
  public void fusedBackward(FusedConvCase c) {
    Conv2dSpec s = c.spec();
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform((int) s.inputLength(), -1, 1);
    float[] k = in.uniform((int) s.kernelLength(), -1, 1);
    float[] bias = in.uniform(s.filters(), -0.5, 0.5);
    float[] dy = in.uniform((int) s.outputLength(), -1, 1);
    int rows = s.n() * s.outH() * s.outW();
    try (Session ss = session(c.path())) {
      DeviceBuffer forward = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.conv2dForwardFused(
          s,
          ss.referenceOnly(x),
          ss.referenceOnly(k),
          ss.referenceOnly(bias),
          c.kind(),
          c.alpha(),
          forward);
      Twin tx = ss.upload(x);
      Twin tk = ss.upload(k);
      Twin ty = ss.upload(ss.readReference(forward, (int) s.outputLength()));
      Twin tdy = ss.upload(dy);
      Twin tdx = ss.upload(Inputs.filled((int) s.inputLength(), Float.NaN));
      Twin tdk = ss.upload(Inputs.filled((int) s.kernelLength(), Float.NaN));
      Twin tdb = ss.upload(Inputs.filled(s.filters(), Float.NaN));
      ss.run(
          b ->
              b.conv2dBackwardFused(
                  s, tx.on(b), tk.on(b), ty.on(b), tdy.on(b), c.kind(), c.alpha(), tdx.on(b),
                  tdk.on(b), tdb.on(b)));
      ss.expectClose("conv2dBackwardFused leaves dy alone, " + c, tdy, Tolerances.EXACT);
      DeviceBuffer dz = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.activationBackwardBias(
          c.kind(), c.alpha(), ty.on(reference), tdy.on(reference), dz, rows, s.filters(), null);
      DeviceBuffer absDz =
          ss.referenceOnly(Inputs.abs(ss.readReference(dz, (int) s.outputLength())));
      DeviceBuffer magK = ss.referenceOnly(new float[(int) s.kernelLength()]);
      reference.conv2dBackwardFilter(s, ss.referenceOnly(Inputs.abs(x)), absDz, magK);
      ss.expectClose(
          "conv2dBackwardFused dKernel " + c,
          tdk,
          Tolerances.FUSED,
          ss.readReference(magK, (int) s.kernelLength()),
          rows);
      DeviceBuffer magB = ss.referenceOnly(new float[s.filters()]);
      reference.conv2dBackwardBias(s, absDz, magB);
      ss.expectClose(
          "conv2dBackwardFused dBias " + c,
          tdb,
          Tolerances.FUSED,
          ss.readReference(magB, s.filters()),
          rows);
      DeviceBuffer magX = ss.referenceOnly(new float[(int) s.inputLength()]);
      reference.conv2dBackwardData(s, absDz, ss.referenceOnly(Inputs.abs(k)), magX);
      ss.expectClose(
          "conv2dBackwardFused dx " + c,
          tdx,
          Tolerances.FUSED,
          ss.readReference(magX, (int) s.inputLength()),
          (long) s.kh() * s.kw() * s.filters() / s.groups());
    }
  }
}
