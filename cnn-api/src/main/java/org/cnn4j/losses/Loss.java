package org.cnn4j.losses;

import org.cnn4j.spi.LossKind;

/**
 * A loss, averaged over the batch (Keras' "sum_over_batch_size"). The backend computes it per row
 * with its gradient ({@link org.cnn4j.spi.Backend#loss}).
 */
public interface Loss {
  /** Keras' name: "sparse_categorical_crossentropy". */
  String name();

  /**
   * The backend kind for this loss applied to the model's output as it is; null for a loss written
   * with ops ({@link #function()}).
   */
  LossKind kind();

  /** The loss as a function of ops, for a custom loss; null for the built-in ones. */
  default LossFunction function() {
    return null;
  }

  /**
   * A custom loss from its forward alone, as a Keras loss function: {@code fn} gives per-sample
   * losses with ops; fit differentiates it. Register it with {@code
   * org.cnn4j.io.CustomObjects.registerLoss(name, loss)} so model files that use it load.
   *
   * <pre>{@code
   * Loss mae = Loss.of("mae", (t, p) -> Ops.mean(Ops.abs(Ops.subtract(p, t)), -1));
   * }</pre>
   */
  static Loss of(String name, LossFunction fn) {
    return new CustomLoss(name, fn);
  }

  /**
   * Makes {@link #of(String)} find {@code loss} by {@code name} (Keras' custom_objects), so a model
   * file compiled with it loads. Replaces an earlier registration of the name.
   */
  static void register(String name, Loss loss) {
    CustomLoss.register(name, loss);
  }

  /**
   * The kind to use on logits when the model's last layer ends in a softmax that the model skips
   * (fusing softmax and cross-entropy), or null if this loss cannot fuse.
   */
  default LossKind kindOnSoftmaxLogits() {
    return null;
  }

  /** Whether targets are class indices (one value per sample); custom losses take them as given. */
  default boolean sparseTargets() {
    return kind() != null && kind().sparseTargets();
  }

  /** Parses Keras' loss names, then the names registered as custom losses. */
  static Loss of(String name) {
    Loss custom = CustomLoss.registered(name);
    if (custom != null) return custom;
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
