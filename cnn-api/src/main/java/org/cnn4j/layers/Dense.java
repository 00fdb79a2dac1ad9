package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Dense}: kernel {@code [in, units]} (glorot_uniform), zero bias. Applied to the last
 * axis of an input of any rank, as Keras: {@code (None, ..., in)} gives {@code (None, ..., units)}.
 */
public final class Dense extends Layer implements SoftmaxOutput {
  private final int units;
  private boolean useBias = true;
  private Activations activation = Activations.LINEAR;
  private String kernelInitializer = "glorot_uniform";
  private org.cnn4j.regularizers.Regularizer kernelRegularizer;
  private Parameter kernel;
  private Parameter bias;

  /**
   * A dense layer without activation.
   *
   * @param units the output size, >= 1
   */
  public Dense(int units) {
    if (units < 1) throw new IllegalArgumentException("Dense: units must be >= 1, got " + units);
    this.units = units;
  }

  /**
   * A dense layer with an activation.
   *
   * @param units the output size, >= 1
   * @param activationName a Keras activation name ("relu", "softmax", ...), or null for none
   */
  public Dense(int units, String activationName) {
    this(units);
    activation(activationName);
  }

  /**
   * The activation applied after the bias (Keras' {@code activation}): a Keras name, null or
   * "linear" for none.
   */
  public Dense activation(String name) {
    this.activation = Activations.of(name);
    return this;
  }

  /** The activation applied after the bias. */
  public Activations activation() {
    return activation;
  }

  /** Whether to add a bias (Keras' {@code use_bias}, true by default). */
  public Dense useBias(boolean use) {
    this.useBias = use;
    return this;
  }

  /** Keras' kernel_initializer by name ("glorot_uniform" by default, "he_normal", ...). */
  public Dense kernelInitializer(String name) {
    this.kernelInitializer = Initializers.check(name);
    return this;
  }

  /** Keras' kernel_initializer as a {@link VarianceScaling} (EfficientNet's classifier). */
  public Dense kernelInitializer(VarianceScaling initializer) {
    return kernelInitializer(initializer.spec());
  }

  /** Keras' kernel_regularizer (e.g. {@code new L2(1e-4)}), null for none. */
  public Dense kernelRegularizer(org.cnn4j.regularizers.Regularizer r) {
    this.kernelRegularizer = r;
    return this;
  }

  /** The output size (Keras' {@code units}). */
  public int units() {
    return units;
  }

  /** The kernel {@code [in, units]}, null until the layer is built. */
  public Parameter kernel() {
    return kernel;
  }

  /** The bias {@code [units]}, null until the layer is built or when {@code useBias(false)}. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("units", units);
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    c.put("kernel_initializer", Initializers.config(kernelInitializer));
    if (kernelRegularizer != null) {
      c.put(
          "kernel_regularizer",
          Map.of(
              "class_name", kernelRegularizer.className(), "config", kernelRegularizer.config()));
    }
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    int[] out = input.dims();
    out[out.length - 1] = units;
    return Shape.of(out);
  }

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    int in = input.dim(-1);
    kernel =
        addParameter(
            backend,
            "kernel",
            Shape.of(in, units),
            Initializers.of(kernelInitializer, random, in * units, in, units),
            true);
    regularize(kernel, kernelRegularizer);
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
    // Every axis but the last is a row: (None, ..., in) is a [rows, in] matrix.
    int in = inputShape().dim(-1);
    int batch = (int) (x.size() / in);
    int[] outDims = x.shape().dims();
    outDims[outDims.length - 1] = units;
    Tensor z = step.allocate(Shape.of(outDims));
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
