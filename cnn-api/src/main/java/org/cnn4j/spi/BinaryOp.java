package org.cnn4j.spi;

/**
 * Element-wise binary operations: {@code out[i] = a[i] op b[i]}. MAX and MIN keep NaN (a NaN in
 * either operand gives NaN), as NumPy's maximum and minimum do.
 */
public enum BinaryOp {
  ADD,
  SUB,
  MUL,
  DIV,
  MAX,
  MIN;

  /** The value in double precision (the reference's definition). */
  public double apply(double a, double b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
      case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
    };
  }
}
