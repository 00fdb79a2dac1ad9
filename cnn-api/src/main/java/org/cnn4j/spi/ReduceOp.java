package org.cnn4j.spi;

/**
 * How {@link Backend#reduce} combines the elements of the reduced axes. ARGMAX and ARGMIN give the
 * position of the first maximum or minimum within the reduced elements (row-major over the reduced
 * axes, as a float: exact below 2^24). A NaN wins for both: where the reduced elements hold NaN,
 * the result is the position of the first NaN, as NumPy's argmax and argmin give (and as MAX and
 * MIN keep NaN).
 */
public enum ReduceOp {
  /** The sum. */
  SUM,
  /** The largest element; NaN where any is NaN. */
  MAX,
  /** The smallest element; NaN where any is NaN. */
  MIN,
  /** The position of the first largest element (or of the first NaN). */
  ARGMAX,
  /** The position of the first smallest element (or of the first NaN). */
  ARGMIN
}
