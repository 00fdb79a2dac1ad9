package org.cnn4j.layers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.regularizers.Regularizer;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.Padding;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * What Conv2D and DepthwiseConv2D share: the window (kernel size, strides, padding, dilation),
 * bias, activation, kernel initialiser and regularizer, the geometry ({@link Conv2dSpec}) and the
 * fused forward and backward (convolution, bias and activation as one backend op each way). A
 * subclass says how many filters and groups the convolution has for an input and how its kernel is
 * shaped and initialised.
 */
abstract class ConvLayer<T extends ConvLayer<T>> extends Layer {
  final int kernelH;
  final int kernelW;
  int strideH = 1;
  int strideW = 1;
  Padding padding = Padding.VALID;
  int dilationH = 1;
  int dilationW = 1;
  boolean useBias = true;
  Activations activation = Activations.LINEAR;
  String kernelInitializer = "glorot_uniform";
  Regularizer kernelRegularizer;
  Parameter kernel;
  Parameter bias;

  ConvLayer(int kernelH, int kernelW) {
    if (kernelH < 1 || kernelW < 1) {
      throw new IllegalArgumentException(typeName() + ": kernel size must be >= 1");
    }
    this.kernelH = kernelH;
    this.kernelW = kernelW;
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  /** The same stride along height and width (Keras' {@code strides}, 1 by default). */
  public T strides(int stride) {
    return strides(stride, stride);
  }

  /**
   * Keras' strides. Keras refuses strides above 1 together with a dilation above 1, and so does
   * this layer when it is called.
   */
  public T strides(int h, int w) {
    if (h < 1 || w < 1) throw new IllegalArgumentException(typeName() + ": strides must be >= 1");
    this.strideH = h;
    this.strideW = w;
    return self();
  }

  /** "valid" or "same". */
  public T padding(String mode) {
    this.padding = Padding.of(mode);
    return self();
  }

  /** The same dilation along height and width (Keras' {@code dilation_rate}, 1 by default). */
  public T dilationRate(int rate) {
    return dilationRate(rate, rate);
  }

  /**
   * Keras' {@code dilation_rate} (1 by default): the spacing between the kernel's taps along height
   * and width.
   */
  public T dilationRate(int h, int w) {
    if (h < 1 || w < 1) {
      throw new IllegalArgumentException(typeName() + ": dilation_rate must be >= 1");
    }
    this.dilationH = h;
    this.dilationW = w;
    return self();
  }

  /** Whether to add a bias (Keras' {@code use_bias}, true by default). */
  public T useBias(boolean use) {
    this.useBias = use;
    return self();
  }

  /**
   * The activation applied after the bias (Keras' {@code activation}): a Keras name, null or
   * "linear" for none.
   */
  public T activation(String name) {
    this.activation = Activations.of(name);
    return self();
  }

  /** The activation applied after the bias. */
  public Activations activation() {
    return activation;
  }

  /** Keras' kernel_initializer by name ("glorot_uniform" by default, "he_normal", ...). */
  public T kernelInitializer(String name) {
    this.kernelInitializer = Initializers.check(name);
    return self();
  }

  /** Keras' kernel_initializer as a {@link VarianceScaling} (EfficientNet's kernels). */
  public T kernelInitializer(VarianceScaling initializer) {
    return kernelInitializer(initializer.spec());
  }

  /** Keras' kernel_regularizer (e.g. {@code new L2(1e-4)}), null for none. */
  public T kernelRegularizer(Regularizer r) {
    this.kernelRegularizer = r;
    return self();
  }

  /** The kernel, null until the layer is built. */
  public Parameter kernel() {
    return kernel;
  }

  /** The bias, null until the layer is built or when {@code useBias(false)}. */
  public Parameter bias() {
    return bias;
  }

  /** The convolution's output channels for an input of {@code channels}. */
  abstract int filtersFor(int channels);

  /** The convolution's groups for an input of {@code channels}. */
  abstract int groupsFor(int channels);

  /** The kernel as Keras shapes it, and its fans (kernel area times its in and out axes). */
  abstract Shape kernelShape(int channels);

  /** Keras' name of the kernel weight: "kernel", "depthwise_kernel". */
  String kernelName() {
    return "kernel";
  }

  Conv2dSpec spec(Shape input, int batch) {
    int c = input.dim(2);
    return Conv2dSpec.of(
        batch,
        input.dim(0),
        input.dim(1),
        c,
        kernelH,
        kernelW,
        filtersFor(c),
        strideH,
        strideW,
        padding,
        dilationH,
        dilationW,
        groupsFor(c));
  }

  /**
   * The geometry on an input of {@code input} that {@code before} pads with zeros first (null: no
   * padding layer), read unpadded: the padding layer's rows and columns become the convolution's
   * own padding, the output is the same.
   */
  Conv2dSpec spec(Shape input, int batch, ZeroPadding2D before) {
    if (before == null) return spec(input, batch);
    Conv2dSpec p = spec(before.computeOutputShape(input), batch);
    return new Conv2dSpec(
        batch,
        input.dim(0),
        input.dim(1),
        p.c(),
        p.kh(),
        p.kw(),
        p.filters(),
        p.strideH(),
        p.strideW(),
        p.padTop() + before.top(),
        p.padLeft() + before.left(),
        p.dilationH(),
        p.dilationW(),
        p.groups(),
        p.outH(),
        p.outW());
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    if (Math.max(strideH, strideW) > 1 && Math.max(dilationH, dilationW) > 1) {
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
    checkChannels(input);
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
              + padding.name().toLowerCase(Locale.ROOT)
              + ")");
    }
    return Shape.of(s.outH(), s.outW(), s.filters());
  }

  /** Rejects channels the layer cannot take (Conv2D: not divisible by its groups). */
  void checkChannels(Shape input) {}

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    int c = input.dim(2);
    Shape k = kernelShape(c);
    long area = (long) kernelH * kernelW;
    kernel =
        addParameter(
            backend,
            kernelName(),
            k,
            Initializers.of(
                kernelInitializer, random, (int) k.size(), area * k.dim(2), area * k.dim(3)),
            true);
    regularize(kernel, kernelRegularizer);
    int f = filtersFor(c);
    if (useBias) bias = addParameter(backend, "bias", Shape.of(f), new float[f], true);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("kernel_size", List.of(kernelH, kernelW));
    c.put("strides", List.of(strideH, strideW));
    c.put("padding", padding.name().toLowerCase(Locale.ROOT));
    c.put("dilation_rate", List.of(dilationH, dilationW));
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    c.put(
        kernelName().equals("kernel")
            ? "kernel_initializer"
            : kernelName().replace("kernel", "initializer"),
        Initializers.config(kernelInitializer));
    if (kernelRegularizer != null) {
      String key =
          kernelName().equals("kernel")
              ? "kernel_regularizer"
              : kernelName().replace("kernel", "regularizer");
      c.put(
          key,
          Map.of(
              "class_name", kernelRegularizer.className(), "config", kernelRegularizer.config()));
    }
    return c;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    return forward(step, x, null);
  }

  /**
   * The forward on {@code x} as {@code before} (null for none) would have padded it, without the
   * padded copy ({@link PaddingFold}); the backward gives {@code x}'s gradient.
   */
  Tensor forward(Step step, Tensor x, ZeroPadding2D before) {
    Backend backend = step.backend();
    int batch = x.shape().dim(0);
    Conv2dSpec s = spec(x.shape().withoutBatch(), batch, before);
    Tensor z = step.allocate(outputShape().withBatch(batch));
    if (!activation.inPlace()) {
      backend.conv2dForward(s, x.buffer(), kernel.value().buffer(), z.buffer());
      return Epilogue.apply(
          step,
          z,
          bias,
          activation,
          batch * s.outH() * s.outW(),
          s.filters(),
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
