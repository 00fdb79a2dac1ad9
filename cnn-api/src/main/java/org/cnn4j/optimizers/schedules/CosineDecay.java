package org.cnn4j.optimizers.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code CosineDecay}: an optional linear warm-up from {@code initial_learning_rate} to
 * {@code warmup_target} over {@code warmup_steps}, then a cosine decay over {@code decay_steps}
 * from the warm-up target (or the initial rate) down to {@code alpha} times it, held there
 * afterwards.
 *
 * @param initialLearningRate the rate at step 0 (Keras' {@code initial_learning_rate})
 * @param decaySteps the steps of the cosine decay, after the warm-up; > 0
 * @param alpha the final rate as a fraction of the decay's starting rate
 * @param warmupTarget the rate reached at the end of the warm-up, or null for no warm-up
 * @param warmupSteps the steps of the linear warm-up, >= 0
 */
public record CosineDecay(
    double initialLearningRate,
    long decaySteps,
    double alpha,
    Double warmupTarget,
    long warmupSteps)
    implements LearningRateSchedule {
  /**
   * Checks the steps.
   *
   * @throws IllegalArgumentException when {@code decaySteps <= 0} or {@code warmupSteps < 0}
   */
  public CosineDecay {
    if (decaySteps <= 0)
      throw new IllegalArgumentException("CosineDecay: decay_steps must be > 0, got " + decaySteps);
    if (warmupSteps < 0)
      throw new IllegalArgumentException(
          "CosineDecay: warmup_steps must be >= 0, got " + warmupSteps);
  }

  /** No warm-up. */
  public CosineDecay(double initialLearningRate, long decaySteps, double alpha) {
    this(initialLearningRate, decaySteps, alpha, null, 0);
  }

  /** No warm-up, decay to 0. */
  public CosineDecay(double initialLearningRate, long decaySteps) {
    this(initialLearningRate, decaySteps, 0.0);
  }

  @Override
  public double at(long step) {
    double s = step;
    if (warmupTarget == null) return decay(Math.min(s, decaySteps), initialLearningRate);
    s = Math.min(s, decaySteps + warmupSteps);
    if (s < warmupSteps)
      return (warmupTarget - initialLearningRate) * (s / warmupSteps) + initialLearningRate;
    return decay(s - warmupSteps, warmupTarget);
  }

  private double decay(double s, double from) {
    double cosine = 0.5 * (1 + Math.cos(Math.PI * s / decaySteps));
    return from * ((1 - alpha) * cosine + alpha);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("initial_learning_rate", initialLearningRate);
    c.put("decay_steps", decaySteps);
    c.put("alpha", alpha);
    c.put("warmup_target", warmupTarget);
    c.put("warmup_steps", warmupSteps);
    return c;
  }
}
