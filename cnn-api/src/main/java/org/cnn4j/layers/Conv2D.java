package org.cnn4j.layers;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.Padding;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Conv2D}: NHWC input, HWIO kernel {@code [kh, kw, c / groups, filters]},
 * glorot_uniform kernel and zero bias by default.
 *
 * <pre>{@code new Conv2D(32, 3).activation("relu").padding("same")}</pre>
 */
public final class Conv2D extends Layer {
  private final int filters;
  private final int kernelH;
  private final int kernelW;
  private int strideH = 1;
  private int strideW = 1;
  private Padding padding = Padding.VALID;
  private int dilationH = 1;
  private int dilationW = 1;
  private int groups = 1;
  private boolean useBias = true;
  private Activations activation = Activations.LINEAR;
  private Parameter kernel;
  private Parameter bias;

  public Conv2D(int filters, int kernelSize) {
    this(filters, kernelSize, kernelSize);
  }

  public Conv2D(int filters, int kernelSize, String activationName) {
    this(filters, kernelSize, kernelSize);
    activation(activationName);
  }

  public Conv2D(int filters, int kernelH, int kernelW) {
    if (filters < 1 || kernelH < 1 || kernelW < 1) {
      throw new IllegalArgumentException("Conv2D: filters and kernel size must be >= 1");
    }
    this.filters = filters;
    this.kernelH = kernelH;
    this.kernelW = kernelW;
  }

  public Conv2D strides(int stride) {
    return strides(stride, stride);
  }

  public Conv2D strides(int h, int w) {
    if (h < 1 || w < 1) throw new IllegalArgumentException("Conv2D: strides must be >= 1");
    this.strideH = h;
    this.strideW = w;
    return this;
  }

  /** "valid" or "same". */
  public Conv2D padding(String mode) {
    this.padding = Padding.of(mode);
    return this;
  }

  public Conv2D dilationRate(int rate) {
    if (rate < 1) throw new IllegalArgumentException("Conv2D: dilation_rate must be >= 1");
    this.dilationH = rate;
    this.dilationW = rate;
    return this;
  }

  public Conv2D groups(int g) {
    if (g < 1) throw new IllegalArgumentException("Conv2D: groups must be >= 1");
    this.groups = g;
    return this;
  }

  public Conv2D useBias(boolean use) {
    this.useBias = use;
    return this;
  }

  public Conv2D activation(String name) {
    this.activation = Activations.of(name);
    return this;
  }

  public Activations activation() {
    return activation;
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
    c.put("filters", filters);
    c.put("kernel_size", List.of(kernelH, kernelW));
    c.put("strides", List.of(strideH, strideW));
    c.put("padding", padding.name().toLowerCase(java.util.Locale.ROOT));
    c.put("dilation_rate", List.of(dilationH, dilationW));
    c.put("groups", groups);
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    return c;
  }

  private Conv2dSpec spec(Shape input, int batch) {
    return Conv2dSpec.of(
        batch,
        input.dim(0),
        input.dim(1),
        input.dim(2),
        kernelH,
        kernelW,
        filters,
        strideH,
        strideW,
        padding,
        dilationH,
        dilationW,
        groups);
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    if (Math.max(strideH, strideW) > 1 && Math.max(dilationH, dilationW) > 1) {
      // Keras rejects this geometry in its constructor; we do when the layer has its name.
      throw new IllegalArgumentException(
          "Layer "
              + describe()
              + ": strides > 1 are not supported together with dilation_rate > 1, as in Keras;"
              + " received strides=("
              + strideH
              + ", "
              + strideW
              + ") and dilation_rate=("
              + dilationH
              + ", "
              + dilationW
              + ")");
    }
    if (input.dim(2) % groups != 0) {
      throw badInput(input, "channels divisible by groups=" + groups);
    }
    Conv2dSpec s;
    try {
      s = spec(input, 1);
    } catch (IllegalArgumentException e) {
      throw badInput(
          input,
          "an image at least as large as the "
              + kernelH
              + "x"
              + kernelW
              + " kernel (dilation "
              + dilationH
              + ", padding "
              + padding.name().toLowerCase()
              + ")");
    }
    return Shape.of(s.outH(), s.outW(), filters);
  }

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    int cg = input.dim(2) / groups;
    Shape k = Shape.of(kernelH, kernelW, cg, filters);
    long receptive = (long) kernelH * kernelW;
    kernel =
        addParameter(
            backend,
            "kernel",
            k,
            Initializers.glorotUniform(random, (int) k.size(), receptive * cg, receptive * filters),
            true);
    if (useBias) bias = addParameter(backend, "bias", Shape.of(filters), new float[filters], true);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    Backend backend = step.backend();
    int batch = x.shape().dim(0);
    Conv2dSpec s = spec(inputShape(), batch);
    Tensor z = step.allocate(outputShape().withBatch(batch));
    if (activation.softmax()) {
      backend.conv2dForward(s, x.buffer(), kernel.value().buffer(), z.buffer());
      return Epilogue.apply(
          step,
          z,
          bias,
          activation,
          batch * s.outH() * s.outW(),
          filters,
          dz -> backwardFromProduct(step, s, x, dz));
    }
    // The usual case: convolution, bias and activation as one backend op each way.
    backend.conv2dForwardFused(
        s,
        x.buffer(),
        kernel.value().buffer(),
        bias == null ? null : bias.value().buffer(),
        activation.kind(),
        activation.alpha(),
        z.buffer());
    step.record(
        () -> {
          if (z.grad() == null) return;
          Tensor dx = x.requiresGrad() ? step.allocate(x.shape()) : null;
          backend.conv2dBackwardFused(
              s,
              x.buffer(),
              kernel.value().buffer(),
              z.buffer(),
              z.grad().buffer(),
              activation.kind(),
              activation.alpha(),
              dx == null ? null : dx.buffer(),
              step.gradient(kernel).buffer(),
              bias == null ? null : step.gradient(bias).buffer());
          if (dx != null) step.accumulateGrad(x, dx);
        });
    return z;
  }

  private void backwardFromProduct(Step step, Conv2dSpec s, Tensor x, Tensor dz) {
    Backend backend = step.backend();
    backend.conv2dBackwardFilter(s, x.buffer(), dz.buffer(), step.gradient(kernel).buffer());
    if (x.requiresGrad()) {
      Tensor dx = step.allocate(x.shape());
      backend.conv2dBackwardData(s, dz.buffer(), kernel.value().buffer(), dx.buffer());
      step.accumulateGrad(x, dx);
    }
  }
}
