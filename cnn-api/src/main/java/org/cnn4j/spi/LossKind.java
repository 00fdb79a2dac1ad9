package org.cnn4j.spi;

/**
 * The losses a backend computes per row, with the gradient. {@code pred} is {@code [rows, cols]};
 * targets are {@code [rows]} class indices for the SPARSE kinds, else {@code [rows, cols]}.
 * Probabilities are clipped to {@code [1e-7, 1 - 1e-7]} as Keras does.
 */
public enum LossKind {
  /**
   * Softmax of logits, then cross-entropy against class indices (fused, stable for large logits).
   */
  SOFTMAX_CROSS_ENTROPY_SPARSE,
  /** Softmax of logits, then cross-entropy against target distributions. */
  SOFTMAX_CROSS_ENTROPY,
  /** Cross-entropy of probabilities against class indices. */
  CROSS_ENTROPY_SPARSE,
  /** Cross-entropy of probabilities against target distributions. */
  CROSS_ENTROPY,
  /** Binary cross-entropy of probabilities, averaged over cols. */
  BINARY_CROSS_ENTROPY,
  /** Binary cross-entropy of logits (sigmoid fused), averaged over cols. */
  BINARY_CROSS_ENTROPY_LOGITS,
  /** Squared error averaged over cols. */
  MEAN_SQUARED_ERROR;

  /** Whether the targets are class indices {@code [rows]} rather than {@code [rows, cols]}. */
  public boolean sparseTargets() {
    return this == SOFTMAX_CROSS_ENTROPY_SPARSE || this == CROSS_ENTROPY_SPARSE;
  }
}
