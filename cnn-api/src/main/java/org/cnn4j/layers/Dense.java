package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Dense}: kernel {@code [in, units]} (glorot_uniform), zero bias. Input {@code (None,
 * in)}.
 */
public final class Dense extends Layer implements SoftmaxOutput {
  private final int units;
  private boolean useBias = true;
  private Activations activation = Activations.LINEAR;
  private Parameter kernel;
  private Parameter bias;

  public Dense(int units) {
    if (units < 1) throw new IllegalArgumentException("Dense: units must be >= 1, got " + units);
    this.units = units;
  }

  public Dense(int units, String activationName) {
    this(units);
    activation(activationName);
  }

  public Dense activation(String name) {
    this.activation = Activations.of(name);
    return this;
  }

  public Activations activation() {
    return activation;
  }

  public Dense useBias(boolean use) {
    this.useBias = use;
    return this;
  }

  public int units() {
    return units;
  }

  public Parameter kernel() {
    return kernel;
  }

  public Parameter bias() {
    return bias;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("units", units);
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 1) {
      throw badInput(input, "(None, features): add a Flatten layer before Dense");
    }
    return Shape.of(units);
  }

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    int in = input.dim(0);
    kernel =
        addParameter(
            backend,
            "kernel",
            Shape.of(in, units),
            Initializers.glorotUniform(random, in * units, in, units),
            true);
    if (useBias) bias = addParameter(backend, "bias", Shape.of(units), new float[units], true);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    return forward(step, x, activation);
  }

  @Override
  public boolean endsInSoftmax() {
    return activation.softmax();
  }

  @Override
  public Tensor forwardLogits(Step step, Tensor x) {
    return forward(step, x, activation.softmax() ? Activations.LINEAR : activation);
  }

  private Tensor forward(Step step, Tensor x, Activations act) {
    Backend backend = step.backend();
    int batch = x.shape().dim(0);
    int in = inputShape().dim(0);
    Tensor z = step.allocate(Shape.of(batch, units));
    backend.gemm(
        false,
        false,
        batch,
        units,
        in,
        1f,
        x.buffer(),
        0,
        in,
        kernel.value().buffer(),
        0,
        units,
        0f,
        z.buffer(),
        0,
        units);
    return Epilogue.apply(
        step,
        z,
        bias,
        act,
        batch,
        units,
        dz -> {
          backend.gemm(
              true,
              false,
              in,
              units,
              batch,
              1f,
              x.buffer(),
              0,
              in,
              dz.buffer(),
              0,
              units,
              0f,
              step.gradient(kernel).buffer(),
              0,
              units);
          if (x.requiresGrad()) {
            Tensor dx = step.allocate(x.shape());
            backend.gemm(
                false,
                true,
                batch,
                in,
                units,
                1f,
                dz.buffer(),
                0,
                units,
                kernel.value().buffer(),
                0,
                units,
                0f,
                dx.buffer(),
                0,
                in);
            step.accumulateGrad(x, dx);
          }
        });
  }
}
