package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;

/** Activations forward and backward, binary ops and axpby against the reference. */
public final class ElementwiseChecks extends Checks {

  /**
   * One activation case. In place means, forward, {@code y} is {@code x}; backward, {@code dx} is
   * {@code dy} and {@code x} is {@code y}, which is what a layer passes after an in-place forward
   * (so sigmoid and tanh must read y, as the SPI says).
   */
  public record ActivationCase(ActivationKind kind, float alpha, int n, boolean inPlace) {
    @Override
    public String toString() {
      return kind
          + (alpha != 0f ? " alpha=" + alpha : "")
          + " n="
          + n
          + (inPlace ? " in place" : "");
    }

    Tolerance tolerance() {
      return ElementwiseChecks.tolerance(kind);
    }
  }

  /**
   * How far an activation's value or derivative may be from the reference's: exact for the
   * piecewise-linear kinds that only select, one or two roundings for those that also scale, else
   * the transcendental functions' few ulp.
   */
  static Tolerance tolerance(ActivationKind kind) {
    return switch (kind) {
      case LINEAR, RELU, CLIPPED_RELU -> Tolerances.EXACT;
      case LEAKY_RELU, HARD_SIGMOID, SOFTSIGN -> Tolerances.ROUNDED;
      default -> Tolerances.TRANSCENDENTAL;
    };
  }

  /** The parameter a case of {@code kind} uses: Keras' defaults (relu6's cap for CLIPPED_RELU). */
  static float defaultAlpha(ActivationKind kind) {
    return switch (kind) {
      case LEAKY_RELU -> 0.3f;
      case CLIPPED_RELU -> 6f;
      case ELU -> 1f;
      default -> 0f;
    };
  }

  /** One binary op; {@code alias} is "out=a", "out=b" or "" for a separate output. */
  public record BinaryCase(BinaryOp op, int n, String alias) {
    @Override
    public String toString() {
      return op + " n=" + n + (alias.isEmpty() ? "" : " " + alias);
    }
  }

  /** One axpby; with {@code beta == 0} y starts as NaN, which must not be read. */
  public record AxpbyCase(float alpha, float beta, int n) {
    @Override
    public String toString() {
      return "alpha=" + alpha + " beta=" + beta + " n=" + n + (beta == 0f ? " (y=NaN)" : "");
    }
  }

  public ElementwiseChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  /**
   * Every ActivationKind at n = 1 and n = 1000, separate, and in place where the SPI allows it (the
   * kinds whose derivative comes from the output); LeakyReLU at two slopes, and the clipped ReLU
   * and ELU also at an alpha other than Keras' default (the inputs lie within +-6, so relu6's cap
   * is never reached: the cap 2 is).
   */
  public static List<ActivationCase> activationCases() {
    List<ActivationCase> cases = new ArrayList<>();
    for (ActivationKind kind : ActivationKind.values()) {
      float alpha = defaultAlpha(kind);
      cases.add(new ActivationCase(kind, alpha, 1, false));
      cases.add(new ActivationCase(kind, alpha, 1000, false));
      if (kind.derivativeFromOutput()) cases.add(new ActivationCase(kind, alpha, 1000, true));
    }
    cases.add(new ActivationCase(ActivationKind.LEAKY_RELU, 0.01f, 1000, false));
    cases.add(new ActivationCase(ActivationKind.CLIPPED_RELU, 2f, 1000, false));
    cases.add(new ActivationCase(ActivationKind.CLIPPED_RELU, 2f, 1000, true));
    cases.add(new ActivationCase(ActivationKind.ELU, 0.5f, 1000, false));
    cases.add(new ActivationCase(ActivationKind.ELU, 0.5f, 1000, true));
    return cases;
  }

  public static List<BinaryCase> binaryCases() {
    List<BinaryCase> cases = new ArrayList<>();
    for (BinaryOp op : BinaryOp.values()) {
      for (String alias : List.of("", "out=a", "out=b")) cases.add(new BinaryCase(op, 1001, alias));
    }
    return cases;
  }

  public static List<AxpbyCase> axpbyCases() {
    return List.of(
        new AxpbyCase(1f, 0f, 1),
        new AxpbyCase(2.5f, 0f, 513),
        new AxpbyCase(2.5f, -1f, 513),
        new AxpbyCase(-0.5f, 0.25f, 1000),
        new AxpbyCase(0f, 1f, 7));
  }

  // Kept away from 0, where ReLU's derivative is a kink the SPI leaves undefined.
  private static float[] activationInputs(Inputs in, int n) {
    return in.awayFromZero(n, 1e-3, 6);
  }

  public void forward(ActivationCase c) {
    float[] x = activationInputs(Inputs.forCase(c), c.n());
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin ty = c.inPlace() ? tx : s.upload(Inputs.filled(c.n(), Float.NaN));
      s.run(b -> b.activationForward(c.kind(), c.alpha(), tx.on(b), ty.on(b), c.n()));
      s.expectClose("activationForward " + c, ty, c.tolerance());
    }
  }

  public void backward(ActivationCase c) {
    Inputs in = Inputs.forCase(c);
    float[] x = activationInputs(in, c.n());
    float[] y = new float[c.n()];
    for (int i = 0; i < c.n(); i++)
      y[i] = (float) ReferenceBackend.activate(c.kind(), c.alpha(), x[i]);
    float[] dy = in.uniform(c.n(), -1, 1);
    try (Session s = session()) {
      Twin ty = s.upload(y);
      Twin tx = c.inPlace() ? ty : s.upload(x);
      Twin tdy = s.upload(dy);
      Twin tdx = c.inPlace() ? tdy : s.upload(Inputs.filled(c.n(), Float.NaN));
      s.run(
          b ->
              b.activationBackward(
                  c.kind(), c.alpha(), tx.on(b), ty.on(b), tdy.on(b), tdx.on(b), c.n()));
      s.expectClose("activationBackward " + c, tdx, c.tolerance());
    }
  }

  public void binary(BinaryCase c) {
    Inputs in = Inputs.forCase(c);
    float[] a = BinaryChecks.operand(in, c.op(), false, c.n());
    float[] b = BinaryChecks.operand(in, c.op(), true, c.n());
    try (Session s = session()) {
      Twin ta = s.upload(a);
      Twin tb = s.upload(b);
      Twin out =
          switch (c.alias()) {
            case "out=a" -> ta;
            case "out=b" -> tb;
            default -> s.upload(Inputs.filled(c.n(), Float.NaN));
          };
      s.run(bk -> bk.binary(c.op(), ta.on(bk), tb.on(bk), out.on(bk), c.n()));
      s.expectClose("binary " + c, out, BinaryChecks.tolerance(c.op()));
    }
  }

  public void axpby(AxpbyCase c) {
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform(c.n(), -1, 1);
    float[] y = c.beta() == 0f ? Inputs.filled(c.n(), Float.NaN) : in.uniform(c.n(), -1, 1);
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin ty = s.upload(y);
      s.run(b -> b.axpby(c.alpha(), tx.on(b), c.beta(), ty.on(b), c.n()));
      s.expectClose("axpby " + c, ty, Tolerances.ROUNDED);
    }
  }
}
