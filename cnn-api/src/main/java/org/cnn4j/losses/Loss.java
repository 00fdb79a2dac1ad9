package org.cnn4j.losses;

import org.cnn4j.spi.LossKind;

/**
 * A loss, averaged over the batch (Keras' "sum_over_batch_size"). The backend computes it per row
 * with its gradient ({@link org.cnn4j.spi.Backend#loss}).
 */
public interface Loss {
  /** Keras' name: "sparse_categorical_crossentropy". */
  String name();

  /** The backend kind for this loss applied to the model's output as it is. */
  LossKind kind();

  /**
   * The kind to use on logits when the model's last layer ends in a softmax that the model skips
   * (fusing softmax and cross-entropy), or null if this loss cannot fuse.
   */
  default LossKind kindOnSoftmaxLogits() {
    return null;
  }

  /** Whether targets are class indices (one value per sample). */
  default boolean sparseTargets() {
    return kind().sparseTargets();
  }

  /** Parses Keras' loss names. */
  static Loss of(String name) {
    return switch (name) {
      case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy();
      case "categorical_crossentropy" -> new CategoricalCrossentropy();
      case "binary_crossentropy" -> new BinaryCrossentropy();
      case "mse", "mean_squared_error" -> new MeanSquaredError();
      default ->
          throw new IllegalArgumentException(
              "unknown loss '"
                  + name
                  + "'; expected one of "
                  + "sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy, mean_squared_error");
    };
  }
}
