package org.cnn4j.optimizers;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Parameter;

/** Keras' Adam: learning rate 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7. */
public class Adam extends Optimizer {
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;

  /** Adam with Keras' defaults: learning rate 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7. */
  public Adam() {
    this(1e-3);
  }

  /**
   * Adam with Keras' default betas and epsilon.
   *
   * @param learningRate the step size, >= 0
   */
  public Adam(double learningRate) {
    this(learningRate, 0.9, 0.999, 1e-7, 0.0);
  }

  /**
   * Adam with every hyper-parameter given.
   *
   * @param learningRate the step size, >= 0
   * @param beta1 the decay rate of the first-moment estimates (Keras' {@code beta_1})
   * @param beta2 the decay rate of the second-moment estimates (Keras' {@code beta_2})
   * @param epsilon the constant added to the denominator for numerical stability
   */
  public Adam(double learningRate, double beta1, double beta2, double epsilon) {
    this(learningRate, beta1, beta2, epsilon, 0.0);
  }

  Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
    super(learningRate);
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = (float) epsilon;
    this.weightDecay = (float) weightDecay;
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  public java.util.Map<String, Object> config() {
    var c = super.config();
    c.put("beta_1", beta1);
    c.put("beta_2", beta2);
    c.put("epsilon", epsilon);
    if (weightDecay != 0f) c.put("weight_decay", weightDecay);
    return c;
  }

  @Override
  protected int slotCount() {
    return 2;
  }

  @Override
  protected void update(Backend backend, Parameter p, DeviceBuffer[] slots, long t) {
    backend.adamStep(
        p.value().buffer(),
        p.gradient().buffer(),
        slots[0],
        slots[1],
        p.shape().size(),
        learningRate(),
        beta1,
        beta2,
        epsilon,
        t,
        weightDecay);
  }
}
