package org.cnn4j.examples;

/**
 * Range checks of command-line values, each failing with the option's name, the range and the value
 * given, before any work starts.
 */
final class OptionChecks {
  private OptionChecks() {}

  /** {@code value >= min}. */
  static int atLeast(String option, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  /** A fraction in {@code [0, 1)}: NaN and infinities are refused. */
  static double fraction(String option, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(option + " must be in [0, 1), got " + value);
    }
    return value;
  }
}
