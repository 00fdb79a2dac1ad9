package org.cnn4j.conformance;

/**
 * How far a backend's float32 result may be from the reference's. An element passes when {@code
 * |got - want| <= absolute + relative * |want| + perTerm * EPS32 * terms * magnitude}, where {@code
 * terms} is the number of products summed into the element and {@code magnitude} the sum of their
 * absolute values: the classic bound on float32 summation error, so a correct backend passes
 * whatever order it sums in, and a wrong one is off by far more.
 *
 * @param name shown in failure messages
 * @param absolute floor for results near zero
 * @param relative for element-wise maths whose error scales with the value
 * @param perTerm multiple of {@code EPS32 * terms * magnitude} allowed for sums
 */
public record Tolerance(String name, double absolute, double relative, double perTerm) {
  /** The float32 machine epsilon, 2^-23. */
  public static final double EPS32 = 0x1.0p-23;

  public Tolerance {
    if (absolute < 0 || relative < 0 || perTerm < 0) {
      throw new IllegalArgumentException("tolerances are >= 0: " + name);
    }
  }

  /** The largest difference allowed at one element. */
  public double bound(double want, double magnitude, long terms) {
    return absolute + relative * Math.abs(want) + perTerm * EPS32 * terms * Math.abs(magnitude);
  }

  @Override
  public String toString() {
    return name + "(abs " + absolute + ", rel " + relative + ", " + perTerm + " eps32 per term)";
  }
}
