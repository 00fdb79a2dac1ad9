package org.cnn4j.spi;

/** How {@link Backend#reduce} combines the elements of the reduced axes. */
public enum ReduceOp {
  SUM,
  MAX,
  MIN
}
