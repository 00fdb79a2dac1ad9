package org.cnn4j.spi;

/**
 * Element-wise binary operations: {@code out[i] = a[i] op b[i]}. MAX and MIN keep NaN (a NaN in
 * either operand gives NaN), as NumPy's maximum and minimum do. The comparisons give 1 where they
 * hold and 0 elsewhere (a NaN compares false, except NOT_EQUAL) and pass no gradient.
 */
public enum BinaryOp {
  /** {@code a + b}. */
  ADD,
  /** {@code a - b}. */
  SUB,
  /** {@code a * b}. */
  MUL,
  /** {@code a / b}. */
  DIV,
  /** The larger of a and b; NaN where either is NaN. */
  MAX,
  /** The smaller of a and b; NaN where either is NaN. */
  MIN,
  /** {@code a ^ b}; gradients {@code b a^(b-1)} and {@code a^b ln(a)} (0 where a is 0). */
  POW,
  /** 1 where {@code a > b}, else 0. */
  GREATER,
  /** 1 where {@code a >= b}, else 0. */
  GREATER_EQUAL,
  /** 1 where {@code a < b}, else 0. */
  LESS,
  /** 1 where {@code a <= b}, else 0. */
  LESS_EQUAL,
  /** 1 where {@code a == b}, else 0. */
  EQUAL,
  /** 1 where {@code a != b} (also where either is NaN), else 0. */
  NOT_EQUAL;

  /** Whether this is a comparison (a 0/1 result with no gradient). */
  public boolean comparison() {
    return ordinal() >= GREATER.ordinal();
  }

  /** The value in double precision (the reference's definition). */
  public double apply(double a, double b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
      case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
      case POW -> Math.pow(a, b);
      case GREATER -> a > b ? 1 : 0;
      case GREATER_EQUAL -> a >= b ? 1 : 0;
      case LESS -> a < b ? 1 : 0;
      case LESS_EQUAL -> a <= b ? 1 : 0;
      case EQUAL -> a == b ? 1 : 0;
      case NOT_EQUAL -> a != b ? 1 : 0;
    };
  }
}
