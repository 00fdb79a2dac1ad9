package org.cnn4j.spi;

/**
 * How {@link Backend#reduce} combines the elements of the reduced axes. ARGMAX and ARGMIN give the
 * position of the first maximum or minimum within the reduced elements (row-major over the reduced
 * axes, as a float: exact below 2^24), NaN counting as the largest, as NumPy's argmax does.
 */
public enum ReduceOp {
  SUM,
  MAX,
  MIN,
  ARGMAX,
  ARGMIN
}
