package org.cnn4j.callbacks;

import java.util.Map;
import org.cnn4j.models.Model;

/**
 * Keras' {@code LearningRateScheduler}: at the start of each epoch sets the optimizer's learning
 * rate to {@code schedule(epoch, current_lr)} (epoch 0-based), and adds the rate to the epoch's
 * logs as "learning_rate".
 *
 * <pre>{@code new LearningRateScheduler((epoch, lr) -> epoch < 10 ? lr : lr * Math.exp(-0.1))}
 * </pre>
 */
public final class LearningRateScheduler implements Callback {
  /** The rate for an epoch from the epoch and the current rate. */
  @FunctionalInterface
  public interface Schedule {
    /**
     * The learning rate for this epoch.
     *
     * @param epoch the epoch, from 0
     * @param learningRate the optimizer's current rate
     * @return the new rate, finite
     */
    double apply(int epoch, double learningRate);
  }

  private final Schedule schedule;
  private int verbose;
  private Model model;

  /**
   * A scheduler that sets the rate from {@code schedule} at each epoch's start.
   *
   * @param schedule the rate for an epoch from the epoch and the current rate
   */
  public LearningRateScheduler(Schedule schedule) {
    this.schedule = schedule;
  }

  /**
   * 1 prints "Epoch N: LearningRateScheduler setting learning rate to X." to the model's output.
   */
  public LearningRateScheduler verbose(int level) {
    this.verbose = level;
    return this;
  }

  @Override
  public void setModel(Model m) {
    this.model = m;
  }

  @Override
  public void onEpochBegin(int epoch) {
    double lr = schedule.apply(epoch, model.optimizer().learningRate());
    if (!Double.isFinite(lr)) {
      throw new IllegalArgumentException(
          "The output of the `schedule` function should be a float. Got: " + lr);
    }
    model.optimizer().learningRate((float) lr);
    if (verbose > 0) {
      model
          .printStream()
          .println(
              "\nEpoch "
                  + (epoch + 1)
                  + ": LearningRateScheduler setting learning rate to "
                  + PyFormat.repr(lr)
                  + ".");
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    logs.put("learning_rate", (double) model.optimizer().learningRate());
  }
}
