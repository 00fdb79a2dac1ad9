package org.cnn4j.losses;

import org.cnn4j.spi.LossKind;

/**
 * Cross-entropy against one-hot (or soft) target distributions; {@code fromLogits} as Keras. *
 *
 * @param fromLogits whether the outputs are logits rather than probabilities (Keras' {@code
 *     from_logits})
 */
public record CategoricalCrossentropy(boolean fromLogits) implements Loss {
  /** On probabilities (Keras' default {@code from_logits=False}). */
  public CategoricalCrossentropy() {
    this(false);
  }

  @Override
  public String name() {
    return "categorical_crossentropy";
  }

  @Override
  public LossKind kind() {
    return fromLogits ? LossKind.SOFTMAX_CROSS_ENTROPY : LossKind.CROSS_ENTROPY;
  }

  @Override
  public LossKind kindOnSoftmaxLogits() {
    return fromLogits ? null : LossKind.SOFTMAX_CROSS_ENTROPY;
  }
}
