package org.cnn4j.optimizers.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code ExponentialDecay}: {@code initial * decay_rate ^ (step / decay_steps)}, with the
 * exponent floored when {@code staircase} (the rate drops in steps every {@code decay_steps}).
 */
public record ExponentialDecay(
    double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
    implements LearningRateSchedule {
  public ExponentialDecay {
    if (decaySteps <= 0)
      throw new IllegalArgumentException(
          "ExponentialDecay: decay_steps must be > 0, got " + decaySteps);
  }

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
