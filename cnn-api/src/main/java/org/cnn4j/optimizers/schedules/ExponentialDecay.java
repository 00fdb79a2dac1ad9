package org.cnn4j.optimizers.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code ExponentialDecay}: {@code initial * decay_rate ^ (step / decay_steps)}, with the
 * exponent floored when {@code staircase} (the rate drops in steps every {@code decay_steps}).
 *
 * @param initialLearningRate the rate at step 0 (Keras' {@code initial_learning_rate})
 * @param decaySteps the steps over which the rate is multiplied by {@code decayRate}, > 0
 * @param decayRate the factor per {@code decaySteps}
 * @param staircase whether the rate drops in steps rather than smoothly
 */
public record ExponentialDecay(
    double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
    implements LearningRateSchedule {
  /**
   * Checks the steps.
   *
   * @throws IllegalArgumentException when {@code decaySteps <= 0}
   */
  public ExponentialDecay {
    if (decaySteps <= 0)
      throw new IllegalArgumentException(
          "ExponentialDecay: decay_steps must be > 0, got " + decaySteps);
  }

  /**
   * A smooth decay ({@code staircase} false, as Keras' default).
   *
   * @param initialLearningRate the rate at step 0
   * @param decaySteps the steps over which the rate is multiplied by {@code decayRate}, > 0
   * @param decayRate the factor per {@code decaySteps}
   */
  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
    this(initialLearningRate, decaySteps, decayRate, false);
  }

  @Override
  public double at(long step) {
    double p = (double) step / decaySteps;
    if (staircase) p = Math.floor(p);
    return initialLearningRate * Math.pow(decayRate, p);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("initial_learning_rate", initialLearningRate);
    c.put("decay_steps", decaySteps);
    c.put("decay_rate", decayRate);
    c.put("staircase", staircase);
    return c;
  }
}
