package org.cnn4j.optimizers;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Parameter;

/** Keras' SGD: learning rate 0.01, momentum 0, nesterov false by default. */
public final class SGD extends Optimizer {
  private final float momentum;
  private final boolean nesterov;

  /** SGD with Keras' defaults: learning rate 0.01, no momentum, no Nesterov. */
  public SGD() {
    this(0.01, 0.0, false);
  }

  /**
   * Plain SGD (no momentum).
   *
   * @param learningRate the step size, >= 0
   */
  public SGD(double learningRate) {
    this(learningRate, 0.0, false);
  }

  /**
   * SGD with momentum.
   *
   * @param learningRate the step size, >= 0
   * @param momentum the velocity's decay, in [0, 1] (0: plain SGD)
   * @param nesterov whether to use Nesterov momentum
   * @throws IllegalArgumentException when {@code momentum} is outside [0, 1]
   */
  public SGD(double learningRate, double momentum, boolean nesterov) {
    super(learningRate);
    if (momentum < 0 || momentum > 1)
      throw new IllegalArgumentException("SGD: momentum must be in [0, 1]");
    this.momentum = (float) momentum;
    this.nesterov = nesterov;
  }

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public java.util.Map<String, Object> config() {
    var c = super.config();
    c.put("momentum", momentum);
    c.put("nesterov", nesterov);
    return c;
  }

  @Override
  protected int slotCount() {
    return momentum == 0f ? 0 : 1;
  }

  @Override
  protected void update(Backend backend, Parameter p, DeviceBuffer[] slots, long t) {
    backend.sgdStep(
        p.value().buffer(),
        p.gradient().buffer(),
        slots.length == 0 ? null : slots[0],
        p.shape().size(),
        learningRate(),
        momentum,
        nesterov);
  }
}
