package org.cnn4j.spi;

/** Element-wise binary operations: {@code out[i] = a[i] op b[i]}. */
public enum BinaryOp {
  ADD,
  SUB,
  MUL
}
