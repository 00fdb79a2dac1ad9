package org.cnn4j.optimizers.schedules;

import java.util.Map;

/**
 * Keras' {@code LearningRateSchedule}: the learning rate as a function of the optimizer's step.
 * Given to an optimizer with {@link org.cnn4j.optimizers.Optimizer#learningRateSchedule}, it is
 * asked before every update with the number of updates already done (0 for the first), as Keras
 * calls {@code schedule(optimizer.iterations)}.
 */
public interface LearningRateSchedule {
  /** The learning rate for the update that follows {@code step} completed ones. */
  double at(long step);

  /** Keras' class name, stored in model files: "ExponentialDecay". */
  default String className() {
    return getClass().getSimpleName();
  }

  /** Keras' {@code get_config()}: the constructor arguments under Keras' names. */
  Map<String, Object> config();
}
