package org.cnn4j.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-epoch values of the loss and metrics, as Keras' {@code History.history}. */
public final class History {
  private final Map<String, List<Double>> values = new LinkedHashMap<>();

  void record(Map<String, Double> logs) {
    logs.forEach((k, v) -> values.computeIfAbsent(k, key -> new ArrayList<>()).add(v));
  }

  /** The values of one key per epoch ("loss", "val_accuracy", ...), or an empty list. */
  public List<Double> get(String key) {
    return Collections.unmodifiableList(values.getOrDefault(key, List.of()));
  }

  /** Every key with its per-epoch values. */
  public Map<String, List<Double>> history() {
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  /** Number of epochs recorded. */
  public int epochs() {
    return values.isEmpty() ? 0 : values.values().iterator().next().size();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
