package org.cnn4j.losses;

import org.cnn4j.spi.LossKind;

/**
 * Cross-entropy against integer class labels; {@code fromLogits} as Keras. *
 *
 * @param fromLogits whether the outputs are logits rather than probabilities (Keras' {@code
 *     from_logits})
 */
public record SparseCategoricalCrossentropy(boolean fromLogits) implements Loss {
  /** On probabilities (Keras' default {@code from_logits=False}). */
  public SparseCategoricalCrossentropy() {
    this(false);
  }

  @Override
  public String name() {
    return "sparse_categorical_crossentropy";
  }

  @Override
  public LossKind kind() {
    return fromLogits ? LossKind.SOFTMAX_CROSS_ENTROPY_SPARSE : LossKind.CROSS_ENTROPY_SPARSE;
  }

  @Override
  public LossKind kindOnSoftmaxLogits() {
    return fromLogits ? null : LossKind.SOFTMAX_CROSS_ENTROPY_SPARSE;
  }
}
