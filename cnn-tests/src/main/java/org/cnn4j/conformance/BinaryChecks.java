package org.cnn4j.conformance;

import static org.cnn4j.conformance.Views.box;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.StridedView;

/**
 * Binary ops beyond {@link ElementwiseChecks}' same-shape cases, for every {@link BinaryOp}: {@link
 * Backend#binaryBroadcast} on NumPy's broadcasting patterns, {@link Backend#binaryBackward} (ties
 * of MAX and MIN, POW at a zero base), and NaN through MAX, MIN, POW and the comparisons. The
 * comparisons always see a few small integers, so ties (where GREATER and GREATER_EQUAL differ) are
 * common; POW sees positive bases.
 */
public final class BinaryChecks extends Checks {

  /** out = a[av] op b[bv], out contiguous from {@code outOffset}; {@code nan}: NaN among a, b. */
  public record BroadcastCase(
      BinaryOp op, String label, StridedView av, StridedView bv, long outOffset, boolean nan) {
    @Override
    public String toString() {
      return op
          + " "
          + label
          + ": a "
          + Views.describe(av)
          + ", b "
          + Views.describe(bv)
          + ", out@"
          + outOffset
          + (nan ? " with NaN" : "");
    }
  }

  /**
   * The gradients of {@code binary} on n elements. {@code inputs}: "uniform", "ties" (a few small
   * integers, so a == b often), "a is b" (one buffer for both operands) or "zero base" (POW: every
   * third a is 0, its exponent 0, 1, 2 or 3, where the SPI defines the gradients); {@code da},
   * {@code db}: which gradients are asked for (the other is null).
   */
  public record BackwardCase(BinaryOp op, int n, String inputs, boolean da, boolean db) {
    @Override
    public String toString() {
      return op + " n=" + n + " " + inputs + (da && db ? "" : da ? ", only da" : ", only db");
    }
  }

  /** binary (same shape) with NaN among both operands (the comparisons' also tie often). */
  public record NanCase(BinaryOp op, int n) {
    @Override
    public String toString() {
      return op + " n=" + n + " with NaN";
    }
  }

  public BinaryChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<BroadcastCase> broadcastCases() {
    List<BroadcastCase> cases = new ArrayList<>();
    int[] s = {2, 3, 4};
    for (BinaryOp op : BinaryOp.values()) {
      cases.add(
          new BroadcastCase(
              op,
              "same shape",
              StridedView.contiguous(0L, 3, 5, 7),
              StridedView.contiguous(2L, 3, 5, 7),
              1,
              false));
      cases.add(
          new BroadcastCase(
              op,
              "b along the last axis",
              Views.broadcast(s, 0, s),
              Views.broadcast(new int[] {4}, 1, s),
              0,
              false));
      cases.add(
          new BroadcastCase(
              op,
              "b repeated along the middle axis",
              Views.broadcast(s, 0, s),
              Views.broadcast(new int[] {2, 1, 4}, 0, s),
              2,
              false));
      cases.add(
          new BroadcastCase(
              op,
              "b repeated along the trailing axes",
              Views.broadcast(s, 1, s),
              Views.broadcast(new int[] {2, 1, 1}, 0, s),
              0,
              false));
      cases.add(
          new BroadcastCase(
              op,
              "b a scalar",
              Views.broadcast(s, 0, s),
              Views.broadcast(new int[] {1}, 3, s),
              0,
              false));
      cases.add(
          new BroadcastCase(
              op,
              "a a scalar",
              Views.broadcast(new int[] {1}, 0, s),
              Views.broadcast(s, 0, s),
              0,
              false));
      cases.add(
          new BroadcastCase(
              op,
              "both repeated",
              Views.broadcast(new int[] {2, 1, 4}, 0, s),
              Views.broadcast(new int[] {1, 3, 1}, 0, s),
              0,
              false));
      int[] six = {2, 2, 3, 2, 2, 3};
      cases.add(
          new BroadcastCase(
              op,
              "rank 6",
              Views.broadcast(new int[] {2, 1, 3, 1, 2, 3}, 0, six),
              Views.broadcast(new int[] {2, 3, 2, 1, 3}, 0, six),
              0,
              false));
      cases.add(
          new BroadcastCase(
              op,
              "a a slice",
              box(new int[] {4, 6, 5}, new int[] {1, 1, 1}, s, 0),
              Views.broadcast(new int[] {3, 1}, 0, s),
              0,
              false));
      cases.add(
          new BroadcastCase(
              op,
              "rank 1",
              StridedView.contiguous(3L, 1000),
              StridedView.contiguous(1L, 1000),
              2,
              false));
    }
    for (BinaryOp op : nanOps()) {
      cases.add(
          new BroadcastCase(
              op,
              "b repeated along the middle axis",
              Views.broadcast(s, 0, s),
              Views.broadcast(new int[] {2, 1, 4}, 0, s),
              0,
              true));
    }
    return cases;
  }

  public static List<BackwardCase> backwardCases() {
    List<BackwardCase> cases = new ArrayList<>();
    for (BinaryOp op : BinaryOp.values()) {
      cases.add(new BackwardCase(op, 1000, "uniform", true, true));
      cases.add(new BackwardCase(op, 257, "uniform", true, false));
      cases.add(new BackwardCase(op, 257, "uniform", false, true));
      cases.add(new BackwardCase(op, 1, "uniform", true, true));
    }
    for (BinaryOp op : List.of(BinaryOp.MAX, BinaryOp.MIN)) {
      cases.add(new BackwardCase(op, 1000, "ties", true, true));
      cases.add(new BackwardCase(op, 100, "a is b", true, true));
    }
    cases.add(new BackwardCase(BinaryOp.MUL, 100, "a is b", true, true));
    cases.add(new BackwardCase(BinaryOp.POW, 100, "a is b", true, true));
    cases.add(new BackwardCase(BinaryOp.POW, 300, "zero base", true, true));
    cases.add(new BackwardCase(BinaryOp.POW, 300, "zero base", false, true));
    return cases;
  }

  public static List<NanCase> nanCases() {
    return nanOps().stream()
        .filter(op -> op != BinaryOp.ADD)
        .map(op -> new NanCase(op, 300))
        .toList();
  }

  /** The ops whose NaN handling is their own: MAX, MIN, POW, the comparisons (and ADD). */
  private static List<BinaryOp> nanOps() {
    List<BinaryOp> ops = new ArrayList<>(List.of(BinaryOp.MAX, BinaryOp.MIN, BinaryOp.ADD));
    for (BinaryOp op : BinaryOp.values()) {
      if (op == BinaryOp.POW || op.comparison()) ops.add(op);
    }
    return ops;
  }

  /**
   * How far a result or gradient may be from the reference's: exact for the ops that select (MAX,
   * MIN, the comparisons' 0 and 1), a rounding or two for arithmetic, a few ulp for POW (OpenCL
   * allows pow 16).
   */
  static Tolerance tolerance(BinaryOp op) {
    if (op == BinaryOp.POW) return Tolerances.TRANSCENDENTAL;
    if (op == BinaryOp.MAX || op == BinaryOp.MIN || op.comparison()) return Tolerances.EXACT;
    return Tolerances.ROUNDED;
  }

  /**
   * Operand values: DIV's divisor kept away from 0, where its gradient explodes; POW's base
   * positive (a negative base gives NaN unless the exponent is an integer); for the comparisons a
   * few small integers, so that a == b is common.
   */
  static float[] operand(Inputs in, BinaryOp op, boolean second, int n) {
    if (op.comparison()) return in.smallIntegers(n, 3);
    if (op == BinaryOp.POW && !second) return in.uniform(n, 0.25, 3);
    return op == BinaryOp.DIV && second ? in.awayFromZero(n, 0.25, 2) : in.uniform(n, -2, 2);
  }

  /** Every {@code every}-th element NaN (from {@code first}). */
  private static float[] withNaN(float[] v, int first, int every) {
    for (int i = first; i < v.length; i += every) v[i] = Float.NaN;
    return v;
  }

  /** out[i] = a[av(i)] op b[bv(i)]; out starts as NaN around and in the written range. */
  public void broadcast(BroadcastCase c) {
    Inputs in = Inputs.forCase(c);
    float[] a = operand(in, c.op(), false, Views.length(c.av(), 1));
    float[] b = operand(in, c.op(), true, Views.length(c.bv(), 2));
    if (c.nan()) {
      withNaN(a, 1, 7);
      withNaN(b, 2, 5);
    }
    int size = Math.toIntExact(c.av().size());
    try (Session s = session()) {
      Twin ta = s.upload(a);
      Twin tb = s.upload(b);
      Twin out = s.upload(Inputs.filled((int) c.outOffset() + size + 2, Float.NaN));
      s.run(
          bk ->
              bk.binaryBroadcast(
                  c.op(), ta.on(bk), c.av(), tb.on(bk), c.bv(), out.on(bk), c.outOffset()));
      s.expectClose("binaryBroadcast " + c, out, tolerance(c.op()));
    }
  }

  /** da and db (when asked for) start as NaN: they are overwritten. */
  public void backward(BackwardCase c) {
    Inputs in = Inputs.forCase(c);
    boolean ties = c.inputs().equals("ties");
    float[] a = ties ? in.smallIntegers(c.n(), 3) : operand(in, c.op(), false, c.n());
    float[] b = ties ? in.smallIntegers(c.n(), 3) : operand(in, c.op(), true, c.n());
    if (c.inputs().equals("zero base")) {
      for (int i = 0; i < c.n(); i += 3) {
        a[i] = 0f;
        b[i] = (i / 3) % 4;
      }
    }
    float[] dy = in.uniform(c.n(), -1, 1);
    try (Session s = session()) {
      Twin ta = s.upload(a);
      Twin tb = c.inputs().equals("a is b") ? ta : s.upload(b);
      Twin tdy = s.upload(dy);
      Twin da = c.da() ? s.upload(Inputs.filled(c.n(), Float.NaN)) : null;
      Twin db = c.db() ? s.upload(Inputs.filled(c.n(), Float.NaN)) : null;
      s.run(
          bk ->
              bk.binaryBackward(
                  c.op(),
                  ta.on(bk),
                  tb.on(bk),
                  tdy.on(bk),
                  da == null ? null : da.on(bk),
                  db == null ? null : db.on(bk),
                  c.n()));
      if (da != null) s.expectClose("binaryBackward da " + c, da, tolerance(c.op()));
      if (db != null) s.expectClose("binaryBackward db " + c, db, tolerance(c.op()));
      s.expectClose("binaryBackward leaves dy alone, " + c, tdy, Tolerances.EXACT);
    }
  }

  /**
   * MAX and MIN give NaN where either operand is NaN (fmax and fmin would drop it), POW too; a
   * comparison with NaN is 0, except NOT_EQUAL's 1 (NaN == NaN is 0: some positions hold NaN in
   * both operands).
   */
  public void binaryWithNaN(NanCase c) {
    Inputs in = Inputs.forCase(c);
    float[] a = withNaN(operand(in, c.op(), false, c.n()), 0, 7);
    float[] b = withNaN(operand(in, c.op(), true, c.n()), 3, 5);
    try (Session s = session()) {
      Twin ta = s.upload(a);
      Twin tb = s.upload(b);
      Twin out = s.upload(Inputs.filled(c.n(), 0f));
      s.run(bk -> bk.binary(c.op(), ta.on(bk), tb.on(bk), out.on(bk), c.n()));
      s.expectClose("binary " + c, out, tolerance(c.op()));
    }
  }

  /**
   * Views of different shapes are an {@link IllegalArgumentException}; an operand reaching past its
   * buffer, or an output past its buffer, an {@link IndexOutOfBoundsException}.
   */
  public void rejectsBadViews() {
    try (Session s = session()) {
      Twin a = s.upload(new float[12]);
      Twin b = s.upload(new float[12]);
      Twin out = s.upload(new float[12]);
      StridedView v34 = StridedView.contiguous(0L, 3, 4);
      s.runUnderTest(
          bk -> {
            assertThrows(
                IllegalArgumentException.class,
                () ->
                    bk.binaryBroadcast(
                        BinaryOp.ADD,
                        a.on(bk),
                        v34,
                        b.on(bk),
                        StridedView.contiguous(0L, 4, 3),
                        out.on(bk),
                        0),
                "views of different shapes");
            assertThrows(
                IndexOutOfBoundsException.class,
                () ->
                    bk.binaryBroadcast(
                        BinaryOp.ADD,
                        a.on(bk),
                        v34,
                        b.on(bk),
                        StridedView.contiguous(1L, 3, 4),
                        out.on(bk),
                        0),
                "b reaching past its buffer");
            assertThrows(
                IndexOutOfBoundsException.class,
                () -> bk.binaryBroadcast(BinaryOp.ADD, a.on(bk), v34, b.on(bk), v34, out.on(bk), 1),
                "out reaching past its buffer");
          });
    }
  }
}
