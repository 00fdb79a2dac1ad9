package org.cnn4j.callbacks;

import java.util.Map;
import org.cnn4j.models.Model;

/**
 * Hooks into {@code fit}, as Keras' callbacks. {@code logs} maps metric names ("loss", "accuracy",
 * "val_loss", ...) to their values; epochs and batches count from 0.
 */
public interface Callback {
  /** Gives the callback the model being trained, before {@link #onTrainBegin()}. */
  default void setModel(Model model) {}

  /** Called once when {@code fit} starts. */
  default void onTrainBegin() {}

  /**
   * Called at the start of each epoch.
   *
   * @param epoch the epoch, from 0 (or from {@code initialEpoch} when resuming)
   */
  default void onEpochBegin(int epoch) {}

  /**
   * Called after each training batch.
   *
   * @param batch the batch within the epoch, from 0
   * @param logs the running means over the epoch so far; an unmodifiable copy
   */
  default void onBatchEnd(int batch, Map<String, Double> logs) {}

  /**
   * Called at the end of each epoch, after validation.
   *
   * @param epoch the epoch, from 0
   * @param logs the epoch's training and "val_" values; callbacks may add keys (as
   *     "learning_rate"), which History then records
   */
  default void onEpochEnd(int epoch, Map<String, Double> logs) {}

  /**
   * Called once when {@code fit} finishes, including after early stopping; not called when {@code
   * fit} throws.
   */
  default void onTrainEnd() {}
}
