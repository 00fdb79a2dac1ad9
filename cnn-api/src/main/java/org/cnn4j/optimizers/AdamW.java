package org.cnn4j.optimizers;

/** Keras' AdamW: Adam with decoupled weight decay 0.004 by default. */
public final class AdamW extends Adam {
  public AdamW() {
    this(1e-3, 0.004);
  }

  public AdamW(double learningRate, double weightDecay) {
    super(learningRate, 0.9, 0.999, 1e-7, weightDecay);
  }

  public AdamW(
      double learningRate, double weightDecay, double beta1, double beta2, double epsilon) {
    super(learningRate, beta1, beta2, epsilon, weightDecay);
  }

  @Override
  public String name() {
    return "adamw";
  }
}
