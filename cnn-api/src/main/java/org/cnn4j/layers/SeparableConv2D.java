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
 * Keras' {@code SeparableConv2D(filters, kernel_size, depth_multiplier=1)}: a depthwise convolution
 * (kernel {@code [kh, kw, channels, depth_multiplier]}, no bias) followed by a 1x1 pointwise
 * convolution (kernel {@code [1, 1, channels * depth_multiplier, filters]}) with the bias and the
 * activation.
 */
public final class SeparableConv2D extends Layer implements SoftmaxOutput {
  private final int filters;
  private final int kernelH;
  private final int kernelW;
  private int strideH = 1;
  private int strideW = 1;
  private Padding padding = Padding.VALID;
  private int dilation = 1;
  private int depthMultiplier = 1;
  private boolean useBias = true;
  private Activations activation = Activations.LINEAR;
  private String depthwiseInitializer = "glorot_uniform";
  private String pointwiseInitializer = "glorot_uniform";
  private Regularizer depthwiseRegularizer;
  private Regularizer pointwiseRegularizer;
  private Parameter depthwise;
  private Parameter pointwise;
  private Parameter bias;

  /**
   * A square kernel, with Keras' other defaults (depth multiplier 1, strides 1, padding valid,
   * bias, no activation).
   *
   * @param filters the output channels of the pointwise convolution, >= 1
   * @param kernelSize the depthwise kernel's height and width
   */
  public SeparableConv2D(int filters, int kernelSize) {
    this(filters, kernelSize, kernelSize);
  }

  /**
   * A depthwise kernel of {@code kernelH} x {@code kernelW}.
   *
   * @param filters the output channels of the pointwise convolution, >= 1
   * @param kernelH the depthwise kernel's height
   * @param kernelW the depthwise kernel's width
   */
  public SeparableConv2D(int filters, int kernelH, int kernelW) {
    if (filters < 1 || kernelH < 1 || kernelW < 1) {
      throw new IllegalArgumentException("SeparableConv2D: filters and kernel size must be >= 1");
    }
    this.filters = filters;
    this.kernelH = kernelH;
    this.kernelW = kernelW;
  }

  /** The same stride along height and width (Keras' {@code strides}, 1 by default). */
  public SeparableConv2D strides(int stride) {
    return strides(stride, stride);
  }

  /**
   * The depthwise convolution's strides (Keras' {@code strides}, 1 by default); not above 1
   * together with a dilation above 1.
   */
  public SeparableConv2D strides(int h, int w) {
    if (h < 1 || w < 1) throw new IllegalArgumentException("SeparableConv2D: strides >= 1");
    if ((h > 1 || w > 1) && dilation > 1) throw stridesWithDilation();
    strideH = h;
    strideW = w;
    return this;
  }

  /** "valid" (the default) or "same" (Keras' {@code padding}). */
  public SeparableConv2D padding(String mode) {
    padding = Padding.of(mode);
    return this;
  }

  /**
   * The depthwise convolution's dilation along height and width (Keras' {@code dilation_rate}, 1 by
   * default); not above 1 together with strides above 1.
   */
  public SeparableConv2D dilationRate(int rate) {
    if (rate < 1) throw new IllegalArgumentException("SeparableConv2D: dilation_rate >= 1");
    if (rate > 1 && (strideH > 1 || strideW > 1)) throw stridesWithDilation();
    dilation = rate;
    return this;
  }

  private static IllegalArgumentException stridesWithDilation() {
    return new IllegalArgumentException(
        "SeparableConv2D: strides > 1 not supported in conjunction with dilation_rate > 1 (as Keras)");
  }

  /** Keras' {@code depth_multiplier} (1 by default): the depthwise filters per input channel. */
  public SeparableConv2D depthMultiplier(int m) {
    if (m < 1) throw new IllegalArgumentException("SeparableConv2D: depth_multiplier >= 1");
    depthMultiplier = m;
    return this;
  }

  /** Whether the pointwise convolution adds a bias (Keras' {@code use_bias}, true by default). */
  public SeparableConv2D useBias(boolean use) {
    useBias = use;
    return this;
  }

  /**
   * The activation applied after the bias (Keras' {@code activation}): a Keras name, null or
   * "linear" for none.
   */
  public SeparableConv2D activation(String name) {
    activation = Activations.of(name);
    return this;
  }

  /** Keras' {@code depthwise_initializer} by name ("glorot_uniform" by default). */
  public SeparableConv2D depthwiseInitializer(String name) {
    depthwiseInitializer = Initializers.check(name);
    return this;
  }

  /** Keras' {@code pointwise_initializer} by name ("glorot_uniform" by default). */
  public SeparableConv2D pointwiseInitializer(String name) {
    pointwiseInitializer = Initializers.check(name);
    return this;
  }

  /** Keras' {@code depthwise_regularizer} (e.g. {@code new L2(1e-4)}), null for none. */
  public SeparableConv2D depthwiseRegularizer(Regularizer r) {
    depthwiseRegularizer = r;
    return this;
  }

  /** Keras' {@code pointwise_regularizer} (e.g. {@code new L2(1e-4)}), null for none. */
  public SeparableConv2D pointwiseRegularizer(Regularizer r) {
    pointwiseRegularizer = r;
    return this;
  }

  private Conv2dSpec depthwiseSpec(Shape in, int batch) {
    int c = in.dim(2);
    return Conv2dSpec.of(
        batch,
        in.dim(0),
        in.dim(1),
        c,
        kernelH,
        kernelW,
        c * depthMultiplier,
        strideH,
        strideW,
        padding,
        dilation,
        dilation,
        c);
  }

  private Conv2dSpec pointwiseSpec(Conv2dSpec dw) {
    return Conv2dSpec.of(
        dw.n(), dw.outH(), dw.outW(), dw.filters(), 1, 1, filters, 1, 1, Padding.VALID, 1, 1, 1);
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    try {
      Conv2dSpec dw = depthwiseSpec(input, 1);
      return Shape.of(dw.outH(), dw.outW(), filters);
    } catch (IllegalArgumentException e) {
      throw badInput(
          input, "an image at least as large as the " + kernelH + "x" + kernelW + " kernel");
    }
  }

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    int c = input.dim(2);
    long area = (long) kernelH * kernelW;
    Shape dk = Shape.of(kernelH, kernelW, c, depthMultiplier);
    depthwise =
        addParameter(
            backend,
            "depthwise_kernel",
            dk,
            Initializers.of(
                depthwiseInitializer, random, (int) dk.size(), area * c, area * depthMultiplier),
            true);
    regularize(depthwise, depthwiseRegularizer);
    Shape pk = Shape.of(1, 1, c * depthMultiplier, filters);
    pointwise =
        addParameter(
            backend,
            "pointwise_kernel",
            pk,
            Initializers.of(
                pointwiseInitializer, random, (int) pk.size(), (long) c * depthMultiplier, filters),
            true);
    regularize(pointwise, pointwiseRegularizer);
    if (useBias) bias = addParameter(backend, "bias", Shape.of(filters), new float[filters], true);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("filters", filters);
    c.put("kernel_size", List.of(kernelH, kernelW));
    c.put("strides", List.of(strideH, strideW));
    c.put("padding", padding.name().toLowerCase(Locale.ROOT));
    c.put("dilation_rate", List.of(dilation, dilation));
    c.put("depth_multiplier", depthMultiplier);
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    c.put("depthwise_initializer", Initializers.config(depthwiseInitializer));
    c.put("pointwise_initializer", Initializers.config(pointwiseInitializer));
    if (depthwiseRegularizer != null)
      c.put("depthwise_regularizer", regularizerConfig(depthwiseRegularizer));
    if (pointwiseRegularizer != null)
      c.put("pointwise_regularizer", regularizerConfig(pointwiseRegularizer));
    return c;
  }

  private static Map<String, Object> regularizerConfig(Regularizer r) {
    return Map.of("class_name", r.className(), "config", r.config());
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
    Conv2dSpec dw = depthwiseSpec(x.shape().withoutBatch(), batch);
    Conv2dSpec pw = pointwiseSpec(dw);
    Tensor mid = step.allocate(Shape.of(batch, dw.outH(), dw.outW(), dw.filters()));
    backend.conv2dForward(dw, x.buffer(), depthwise.value().buffer(), mid.buffer());
    Tensor z = step.allocate(outputShape().withBatch(batch));
    backend.conv2dForward(pw, mid.buffer(), pointwise.value().buffer(), z.buffer());
    return Epilogue.apply(
        step,
        z,
        bias,
        act,
        batch * pw.outH() * pw.outW(),
        filters,
        dz -> {
          backend.conv2dBackwardFilter(
              pw, mid.buffer(), dz.buffer(), step.gradient(pointwise).buffer());
          Tensor dmid = step.allocate(mid.shape());
          backend.conv2dBackwardData(pw, dz.buffer(), pointwise.value().buffer(), dmid.buffer());
          backend.conv2dBackwardFilter(
              dw, x.buffer(), dmid.buffer(), step.gradient(depthwise).buffer());
          if (x.requiresGrad()) {
            Tensor dx = step.allocate(x.shape());
            backend.conv2dBackwardData(dw, dmid.buffer(), depthwise.value().buffer(), dx.buffer());
            step.accumulateGrad(x, dx);
          }
        });
  }
}
