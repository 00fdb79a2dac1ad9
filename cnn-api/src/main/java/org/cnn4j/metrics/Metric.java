package org.cnn4j.metrics;

import java.util.Locale;

/**
 * A running metric over the batches of an epoch, computed on the host from the model's outputs
 * (probabilities or logits: the arg-max is the same).
 */
public interface Metric {
  /** The name shown in the progress line and History: "accuracy". */
  String name();

  /**
   * Adds one batch. Shapes: pred {@code [rows, cols]}; target {@code [rows]} or {@code [rows,
   * cols]}.
   */
  void update(float[] pred, float[] target, int rows, int cols, boolean sparseTargets);

  /** The value over the batches added since the last {@link #reset()}: 0 when none were. */
  double result();

  /** Forgets every batch added, for the next epoch or evaluation. */
  void reset();

  /**
   * A metric that averages {@code fn(yTrue, yPred)} over samples (one sample's target and output
   * rows), for a custom metric written on the host.
   */
  static Metric mean(String name, java.util.function.ToDoubleBiFunction<float[], float[]> fn) {
    return new MeanMetric(name, fn);
  }

  /**
   * Makes {@link #of(String)} make a fresh {@code factory.get()} for {@code name} (Keras'
   * custom_objects), so a model file compiled with a custom metric loads.
   */
  static void register(String name, java.util.function.Supplier<Metric> factory) {
    Registry.METRICS.put(name, factory);
  }

  /** The custom metrics registered by name. */
  final class Registry {
    private static final java.util.Map<String, java.util.function.Supplier<Metric>> METRICS =
        new java.util.concurrent.ConcurrentHashMap<>();

    private Registry() {}
  }

  /**
   * Parses a Keras metric name: "accuracy"/"acc" (sparse, categorical or binary as the loss
   * implies, chosen at compile time), "top_k_categorical_accuracy" (k = 5).
   */
  static Metric of(String name) {
    java.util.function.Supplier<Metric> custom = Registry.METRICS.get(name);
    if (custom != null) return custom.get();
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "accuracy", "acc" -> new Accuracy();
      case "sparse_categorical_accuracy", "categorical_accuracy" -> new Accuracy(name);
      case "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy" -> new TopKAccuracy(5);
      default ->
          throw new IllegalArgumentException(
              "unknown metric '" + name + "'; expected accuracy or top_k_categorical_accuracy");
    };
  }
}
