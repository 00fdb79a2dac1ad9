package org.cnn4j.spi;

/**
 * Element-wise functions of one tensor for {@code org.cnn4j.ops} (Keras' {@code keras.ops}), with
 * their derivatives ({@link Backend#unaryBackward}). {@code alpha} is POW's exponent; the others
 * ignore it. Outside a function's domain the result is what IEEE float arithmetic gives (log of a
 * negative number is NaN, of 0 is -infinity), as NumPy does.
 */
public enum UnaryOp {
  /** {@code -x}. */
  NEG,
  /** {@code |x|}; derivative {@code sign(x)} (0 at 0). */
  ABS,
  /** {@code x > 0 ? 1 : x < 0 ? -1 : 0} (NaN stays NaN); derivative 0. */
  SIGN,
  /** {@code x * x}. */
  SQUARE,
  /** {@code sqrt(x)}. */
  SQRT,
  /** {@code 1 / sqrt(x)}. */
  RSQRT,
  /** {@code 1 / x}. */
  RECIPROCAL,
  /** {@code exp(x)}. */
  EXP,
  /** {@code log(x)}, the natural logarithm. */
  LOG,
  /** {@code x ^ alpha}. */
  POW,
  /** {@code sin(x)}. */
  SIN,
  /** {@code cos(x)}. */
  COS;

  /** The value in double precision (the reference's definition). */
  public double apply(double x, double alpha) {
    return switch (this) {
      case NEG -> -x;
      case ABS -> Math.abs(x);
      case SIGN -> Double.isNaN(x) ? Double.NaN : Math.signum(x);
      case SQUARE -> x * x;
      case SQRT -> Math.sqrt(x);
      case RSQRT -> 1 / Math.sqrt(x);
      case RECIPROCAL -> 1 / x;
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case POW -> Math.pow(x, alpha);
      case SIN -> Math.sin(x);
      case COS -> Math.cos(x);
    };
  }

  /** {@code dy * f'(x)} in double precision, given x and {@code y = f(x)}. */
  public double derivative(double x, double y, double alpha, double dy) {
    return switch (this) {
      case NEG -> -dy;
      case ABS -> dy * (x > 0 ? 1 : x < 0 ? -1 : 0);
      case SIGN -> 0;
      case SQUARE -> dy * 2 * x;
      case SQRT -> dy * 0.5 / y;
      case RSQRT -> dy * -0.5 * y / x;
      case RECIPROCAL -> dy * -y * y;
      case EXP -> dy * y;
      case LOG -> dy / x;
      case POW -> alpha == 0 ? 0 : dy * alpha * Math.pow(x, alpha - 1);
      case SIN -> dy * Math.cos(x);
      case COS -> dy * -Math.sin(x);
    };
  }
}
