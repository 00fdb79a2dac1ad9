package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.UnaryOp;

/**
 * {@link Backend#unary} and {@link Backend#unaryBackward} for every {@link UnaryOp}, each on inputs
 * from its domain (LOG, SQRT, RSQRT and non-integer powers on positive x, RECIPROCAL away from 0),
 * POW at several exponents, and the forward on the special values where the SPI says IEEE float
 * arithmetic decides (0, -0, infinities, NaN, negative numbers under LOG and SQRT).
 */
public final class UnaryChecks extends Checks {

  /** Where a case's inputs come from. */
  public enum Domain {
    /** Uniform in +-4. */
    ANY("x in +-4"),
    /** Uniform in +-10, several periods of SIN and COS and e^+-10 for EXP. */
    WIDE("x in +-10"),
    /** Uniform in [0.01, 10]: LOG, SQRT, RSQRT and POW's non-integer exponents. */
    POSITIVE("x in [0.01, 10]"),
    /** +-[0.1, 4]: RECIPROCAL's pole and POW's negative bases (integer exponents) kept off 0. */
    AWAY_FROM_ZERO("x in +-[0.1, 4]"),
    /** [0.1, 4] with every fourth element exactly 0: POW's derivative at 0 for alpha 0, 1, 2. */
    POSITIVE_WITH_ZEROS("x in [0.1, 4] and 0"),
    /**
     * 0, -0, 1, -1, 0.5, -2, NaN and the infinities among values in +-4, where IEEE arithmetic
     * decides (log(0) = -inf, sqrt(-2) = NaN, sign(NaN) = NaN, |x|'s derivative 0 at 0).
     */
    SPECIAL("special values");

    private final String label;

    Domain(String label) {
      this.label = label;
    }

    /** The values one case gets, in [lo, hi) or from the list above. */
    float[] values(Inputs in, int n) {
      return switch (this) {
        case ANY -> in.uniform(n, -4, 4);
        case WIDE -> in.uniform(n, -10, 10);
        case POSITIVE -> in.uniform(n, 0.01, 10);
        case AWAY_FROM_ZERO -> in.awayFromZero(n, 0.1, 4);
        case POSITIVE_WITH_ZEROS -> {
          float[] v = in.uniform(n, 0.1, 4);
          for (int i = 0; i < n; i += 4) v[i] = 0f;
          yield v;
        }
        case SPECIAL -> {
          float[] v = in.uniform(n, -4, 4);
          for (int i = 0; i < n; i++) v[i] = i < SPECIALS.length ? SPECIALS[i] : v[i];
          yield v;
        }
      };
    }

    @Override
    public String toString() {
      return label;
    }
  }

  private static final float[] SPECIALS = {
    0f, -0f, 1f, -1f, 0.5f, -2f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY
  };

  /**
   * One op on n elements from {@code domain}; {@code alpha} is POW's exponent (0 for the others).
   * In place means, forward, {@code y} is {@code x}; backward, {@code dx} is {@code dy}.
   */
  public record UnaryCase(UnaryOp op, float alpha, Domain domain, int n, boolean inPlace) {
    @Override
    public String toString() {
      return op
          + (op == UnaryOp.POW ? " alpha=" + alpha : "")
          + " n="
          + n
          + ", "
          + domain
          + (inPlace ? ", in place" : "");
    }

    Tolerance tolerance() {
      return UnaryChecks.tolerance(op);
    }
  }

  public UnaryChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  /**
   * How far a value or derivative may be from the reference's: exact for the ops that only negate
   * or select, a few roundings for products, quotients and square roots, else the transcendental
   * functions' few ulp (OpenCL allows pow 16).
   */
  static Tolerance tolerance(UnaryOp op) {
    return switch (op) {
      case NEG, ABS, SIGN -> Tolerances.EXACT;
      case SQUARE, SQRT, RSQRT, RECIPROCAL -> Tolerances.ROUNDED;
      case EXP, LOG, POW, SIN, COS -> Tolerances.TRANSCENDENTAL;
    };
  }

  /** The exponents POW runs with: the special ones 0, 1, 2, 0.5, -1 and a few others. */
  public static final List<Float> EXPONENTS = List.of(0f, 1f, 2f, 0.5f, -1f, 3f, 1.5f, -2.5f);

  /** The domain an op's ordinary cases draw from. */
  static Domain domain(UnaryOp op) {
    return switch (op) {
      case NEG, ABS, SIGN, SQUARE -> Domain.ANY;
      case EXP, SIN, COS -> Domain.WIDE;
      case SQRT, RSQRT, LOG, POW -> Domain.POSITIVE;
      case RECIPROCAL -> Domain.AWAY_FROM_ZERO;
    };
  }

  /** Every op (POW at every exponent) at n = 1, 1000 and 1000 in place, on its domain. */
  private static List<UnaryCase> ordinaryCases() {
    List<UnaryCase> cases = new ArrayList<>();
    for (UnaryOp op : UnaryOp.values()) {
      for (float alpha : op == UnaryOp.POW ? EXPONENTS : List.of(0f)) {
        cases.add(new UnaryCase(op, alpha, domain(op), 1, false));
        cases.add(new UnaryCase(op, alpha, domain(op), 1000, false));
        cases.add(new UnaryCase(op, alpha, domain(op), 1000, true));
      }
    }
    for (float alpha : List.of(2f, 3f, -1f)) {
      cases.add(new UnaryCase(UnaryOp.POW, alpha, Domain.AWAY_FROM_ZERO, 1000, false));
    }
    for (float alpha : List.of(0f, 1f, 2f)) {
      cases.add(new UnaryCase(UnaryOp.POW, alpha, Domain.POSITIVE_WITH_ZEROS, 300, false));
    }
    return cases;
  }

  /** The ordinary cases and every op on the special values (POW at each exponent). */
  public static List<UnaryCase> forwardCases() {
    List<UnaryCase> cases = ordinaryCases();
    for (UnaryOp op : UnaryOp.values()) {
      for (float alpha : op == UnaryOp.POW ? EXPONENTS : List.of(0f)) {
        cases.add(new UnaryCase(op, alpha, Domain.SPECIAL, 64, false));
      }
    }
    return cases;
  }

  /**
   * The ordinary cases, and on the special values the ops whose derivative is defined there: NEG,
   * ABS (0 at 0), SIGN (0 everywhere, NaN too) and SQUARE.
   */
  public static List<UnaryCase> backwardCases() {
    List<UnaryCase> cases = ordinaryCases();
    for (UnaryOp op : List.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SIGN, UnaryOp.SQUARE)) {
      cases.add(new UnaryCase(op, 0f, Domain.SPECIAL, 64, false));
      cases.add(new UnaryCase(op, 0f, Domain.SPECIAL, 64, true));
    }
    return cases;
  }

  /** y starts as NaN (it is overwritten), or is x. */
  public void forward(UnaryCase c) {
    float[] x = c.domain().values(Inputs.forCase(c), c.n());
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin ty = c.inPlace() ? tx : s.upload(Inputs.filled(c.n(), Float.NaN));
      s.run(b -> b.unary(c.op(), c.alpha(), tx.on(b), ty.on(b), c.n()));
      s.expectClose("unary " + c, ty, c.tolerance());
      if (!c.inPlace()) s.expectClose("unary leaves x alone, " + c, tx, Tolerances.EXACT);
    }
  }

  /**
   * y is the reference's forward of x, rounded to float as a backend's forward would be; dx starts
   * as NaN, or is dy.
   */
  public void backward(UnaryCase c) {
    Inputs in = Inputs.forCase(c);
    float[] x = c.domain().values(in, c.n());
    float[] y = new float[c.n()];
    for (int i = 0; i < c.n(); i++) y[i] = (float) c.op().apply(x[i], c.alpha());
    float[] dy = in.uniform(c.n(), -1, 1);
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin ty = s.upload(y);
      Twin tdy = s.upload(dy);
      Twin tdx = c.inPlace() ? tdy : s.upload(Inputs.filled(c.n(), Float.NaN));
      s.run(
          b -> b.unaryBackward(c.op(), c.alpha(), tx.on(b), ty.on(b), tdy.on(b), tdx.on(b), c.n()));
      s.expectClose("unaryBackward " + c, tdx, c.tolerance());
      s.expectClose("unaryBackward leaves x alone, " + c, tx, Tolerances.EXACT);
      s.expectClose("unaryBackward leaves y alone, " + c, ty, Tolerances.EXACT);
    }
  }

  /** A buffer shorter than n is an {@link IndexOutOfBoundsException}, whichever it is. */
  public void rejectsShortBuffers() {
    try (Session s = session()) {
      Twin full = s.upload(new float[8]);
      Twin other = s.upload(new float[8]);
      Twin shorter = s.upload(new float[7]);
      s.runUnderTest(
          b -> {
            assertThrows(
                IndexOutOfBoundsException.class,
                () -> b.unary(UnaryOp.EXP, 0f, shorter.on(b), full.on(b), 8),
                "unary with x shorter than n");
            assertThrows(
                IndexOutOfBoundsException.class,
                () -> b.unary(UnaryOp.EXP, 0f, full.on(b), shorter.on(b), 8),
                "unary with y shorter than n");
            for (int shortOne = 0; shortOne < 4; shortOne++) {
              Twin[] args = {full, full, other, other};
              args[shortOne] = shorter;
              int which = shortOne;
              assertThrows(
                  IndexOutOfBoundsException.class,
                  () ->
                      b.unaryBackward(
                          UnaryOp.LOG,
                          0f,
                          args[0].on(b),
                          args[1].on(b),
                          args[2].on(b),
                          args[3].on(b),
                          8),
                  "unaryBackward with " + List.of("x", "y", "dy", "dx").get(which) + " short");
            }
          });
    }
  }
}
