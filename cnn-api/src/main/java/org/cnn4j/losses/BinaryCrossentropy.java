package org.cnn4j.losses;

import org.cnn4j.spi.LossKind;

/**
 * Binary cross-entropy of 0/1 targets, averaged over the last axis; {@code fromLogits} as Keras.
 *
 * @param fromLogits whether the outputs are logits rather than probabilities (Keras' {@code
 *     from_logits})
 */
public record BinaryCrossentropy(boolean fromLogits) implements Loss {
  /** On probabilities (Keras' default {@code from_logits=False}). */
  public BinaryCrossentropy() {
    this(false);
  }

  @Override
  public String name() {
    return "binary_crossentropy";
  }

  @Override
  public LossKind kind() {
    return fromLogits ? LossKind.BINARY_CROSS_ENTROPY_LOGITS : LossKind.BINARY_CROSS_ENTROPY;
  }
}
