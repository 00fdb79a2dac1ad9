package org.cnn4j.optimizers;

/** Keras' AdamW: Adam with decoupled weight decay 0.004 by default. */
public final class AdamW extends Adam {
  /**
   * AdamW with Keras' defaults: learning rate 1e-3, weight decay 0.004, beta_1 0.9, beta_2 0.999,
   * epsilon 1e-7.
   */
  public AdamW() {
    this(1e-3, 0.004);
  }

  /**
   * AdamW with Keras' default betas and epsilon.
   *
   * @param learningRate the step size, >= 0
   * @param weightDecay the decoupled weight decay factor (Keras' {@code weight_decay})
   */
  public AdamW(double learningRate, double weightDecay) {
    super(learningRate, 0.9, 0.999, 1e-7, weightDecay);
  }

  /**
   * AdamW with every hyper-parameter given.
   *
   * @param learningRate the step size, >= 0
   * @param weightDecay the decoupled weight decay factor (Keras' {@code weight_decay})
   * @param beta1 the decay rate of the first-moment estimates (Keras' {@code beta_1})
   * @param beta2 the decay rate of the second-moment estimates (Keras' {@code beta_2})
   * @param epsilon the constant added to the denominator for numerical stability
   */
  public AdamW(
      double learningRate, double weightDecay, double beta1, double beta2, double epsilon) {
    super(learningRate, beta1, beta2, epsilon, weightDecay);
  }

  @Override
  public String name() {
    return "adamw";
  }
}
