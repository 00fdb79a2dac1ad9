package org.cnn4j.optimizers;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Parameter;

/** Keras' RMSprop: learning rate 1e-3, rho 0.9, epsilon 1e-7 (no momentum, not centred). */
public final class RMSprop extends Optimizer {
  private final float rho;
  private final float epsilon;

  /** RMSprop with Keras' defaults: learning rate 1e-3, rho 0.9, epsilon 1e-7. */
  public RMSprop() {
    this(1e-3, 0.9, 1e-7);
  }

  /**
   * RMSprop with every hyper-parameter given.
   *
   * @param learningRate the step size, >= 0
   * @param rho the decay rate of the moving average of squared gradients
   * @param epsilon the constant added to the denominator for numerical stability
   */
  public RMSprop(double learningRate, double rho, double epsilon) {
    super(learningRate);
    this.rho = (float) rho;
    this.epsilon = (float) epsilon;
  }

  @Override
  public String name() {
    return "rmsprop";
  }

  @Override
  public java.util.Map<String, Object> config() {
    var c = super.config();
    c.put("rho", rho);
    c.put("epsilon", epsilon);
    return c;
  }

  @Override
  protected int slotCount() {
    return 1;
  }

  @Override
  protected void update(Backend backend, Parameter p, DeviceBuffer[] slots, long t) {
    backend.rmspropStep(
        p.value().buffer(),
        p.gradient().buffer(),
        slots[0],
        p.shape().size(),
        learningRate(),
        rho,
        epsilon);
  }
}
