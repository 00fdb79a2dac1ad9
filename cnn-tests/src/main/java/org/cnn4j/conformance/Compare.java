package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * Element-wise comparison of a backend's result with the reference's. A failure names the op, the
 * tolerance and the worst elements, which is what a backend author needs to find the bug.
 */
public final class Compare {
  private static final int SHOWN = 5;

  private Compare() {}

  /** Compares with a tolerance that has no per-term part. */
  public static void close(String what, float[] got, float[] want, Tolerance tol) {
    close(what, got, want, tol, null, 0);
  }

  /**
   * Compares with the full bound: {@code magnitude[i]} is the sum of |terms| summed into element i
   * and {@code terms} how many there were (an upper bound is fine).
   */
  public static void close(
      String what, float[] got, float[] want, Tolerance tol, float[] magnitude, long terms) {
    if (got.length != want.length) {
      throw new AssertionFailedError(what + ": length " + got.length + ", expected " + want.length);
    }
    List<String> worst = new ArrayList<>();
    int failures = 0;
    double worstExcess = -1;
    for (int i = 0; i < got.length; i++) {
      double mag = magnitude == null ? 0 : magnitude[i];
      double bound = tol.bound(want[i], mag, terms);
      boolean ok;
      if (Float.isNaN(want[i])) {
        ok = Float.isNaN(got[i]); // untouched garbage stays garbage
      } else if (Float.isInfinite(want[i])) {
        ok = got[i] == want[i];
      } else {
        ok = Math.abs((double) got[i] - want[i]) <= bound; // false for NaN or infinite got
      }
      if (ok) continue;
      failures++;
      double excess =
          Float.isFinite(got[i]) ? Math.abs((double) got[i] - want[i]) - bound : Double.MAX_VALUE;
      String line =
          "["
              + i
              + "] got "
              + got[i]
              + ", expected "
              + want[i]
              + " (allowed +-"
              + (float) bound
              + ")";
      if (worst.size() < SHOWN) {
        worst.add(line);
      } else if (excess > worstExcess) {
        worst.set(SHOWN - 1, line);
      }
      worstExcess = Math.max(worstExcess, excess);
    }
    if (failures > 0) {
      throw new AssertionFailedError(
          what
              + ": "
              + failures
              + " of "
              + got.length
              + " elements outside "
              + tol
              + (terms > 0 ? " with " + terms + " terms" : "")
              + "; "
              + String.join("; ", worst));
    }
  }

  /** Every element is finite (large inputs must not overflow to Inf or NaN). */
  public static void finite(String what, float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new AssertionFailedError(
            what + ": element " + i + " is " + values[i] + ", expected finite");
      }
    }
  }
}
