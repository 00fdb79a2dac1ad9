package org.cnn4j.callbacks;

import java.util.Map;
import org.cnn4j.models.Model;

/**
 * Hooks into {@code fit}, as Keras' callbacks. {@code logs} maps metric names ("loss", "accuracy",
 * "val_loss", ...) to their values; epochs and batches count from 0.
 */
public interface Callback {
  default void setModel(Model model) {}

  default void onTrainBegin() {}

  default void onEpochBegin(int epoch) {}

  default void onBatchEnd(int batch, Map<String, Double> logs) {}

  default void onEpochEnd(int epoch, Map<String, Double> logs) {}

  default void onTrainEnd() {}
}
