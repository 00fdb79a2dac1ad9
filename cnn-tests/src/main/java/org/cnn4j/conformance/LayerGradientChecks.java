package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.Average;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Cropping2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.ELU;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.GlobalMaxPooling2D;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.LayerNormalization;
import org.cnn4j.layers.LayerScale;
import org.cnn4j.layers.LeakyReLU;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.Maximum;
import org.cnn4j.layers.Minimum;
import org.cnn4j.layers.Multiply;
import org.cnn4j.layers.Normalization;
import org.cnn4j.layers.Permute;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.Reshape;
import org.cnn4j.layers.SeparableConv2D;
import org.cnn4j.layers.Softmax;
import org.cnn4j.layers.SpatialDropout2D;
import org.cnn4j.layers.StochasticDepth;
import org.cnn4j.layers.Subtract;
import org.cnn4j.layers.UpSampling2D;
import org.cnn4j.layers.ZeroPadding2D;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;
import org.opentest4j.AssertionFailedError;

/**
 * Each layer's backward, as the layer composes the backend's ops, against central finite
 * differences of its own forward on the backend under test. The scalar is {@code L = sum(w * y)}
 * for seeded weights w, so seeding the backward with {@code dy = w} must give {@code dL/dx} and
 * {@code dL/dparameter}. The forward output and the analytic gradients are also compared with the
 * same layer built on the reference from the same seed.
 *
 * <p>Inputs are distinct by at least {@link #SPACING} (no max-pooling ties within a step) and none
 * is within {@code SPACING / 2} of 0 (no ReLU kink on x). A ReLU after a convolution or a dense
 * layer can still have a pre-activation within one step of 0; a coordinate whose two evaluations
 * see a different sign pattern in the output straddles a kink, and is left out (at most a quarter
 * of them may be).
 */
public final class LayerGradientChecks extends Checks {
  /**
   * Central differences of float32 forwards, step {@link #STEP}: truncation error about {@code
   * STEP^2 * f'''}, rounding about {@code ulp(y) / STEP}.
   */
  public static final Tolerance FINITE_DIFFERENCE =
      new Tolerance("FINITE_DIFFERENCE", 2e-3, 2e-2, 0);

  /**
   * A layer's forward output and analytic gradients on the backend under test against the
   * reference's: a handful of ops of tens of float32 terms each, batch-norm's cancellations
   * included.
   */
  public static final Tolerance LAYER = new Tolerance("LAYER", 1e-4, 1e-3, 0);

  /** The finite-difference step. */
  public static final double STEP = 5e-3;

  /** The least distance between two input values. */
  public static final double SPACING = 0.05;

  /** The seed of every step (dropout masks derive from it) and of the layers' initial weights. */
  private static final long SEED = 1234L;

  /**
   * One layer on a tiny input.
   *
   * @param name the display name
   * @param layer makes a fresh, unbuilt layer
   * @param input one sample's shape
   * @param batch samples in the batch
   * @param piecewise whether the layer's output has kinks (ReLU after a sum), see the class comment
   */
  public record LayerCase(
      String name, Supplier<Layer> layer, Shape input, int batch, boolean piecewise) {
    @Override
    public String toString() {
      return name + " on " + input.withBatch(batch);
    }
  }

  public LayerGradientChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<LayerCase> cases() {
    return List.of(
        new LayerCase(
            "Conv2D(4, 3, relu) valid", () -> new Conv2D(4, 3, "relu"), Shape.of(5, 5, 2), 2, true),
        new LayerCase(
            "Conv2D(3, 3, linear) same",
            () -> new Conv2D(3, 3).padding("same"),
            Shape.of(4, 5, 2),
            2,
            false),
        new LayerCase(
            "Conv2D(3, 3, sigmoid) same strides 2",
            () -> new Conv2D(3, 3, "sigmoid").padding("same").strides(2),
            Shape.of(5, 6, 2),
            2,
            false),
        new LayerCase(
            "Conv2D(3, 3, tanh) valid dilation 2",
            () -> new Conv2D(3, 3, "tanh").dilationRate(2),
            Shape.of(6, 6, 2),
            2,
            false),
        new LayerCase(
            "Conv2D(2, 2x3, relu) valid strides 2",
            () -> new Conv2D(2, 2, 3).activation("relu").strides(2),
            Shape.of(5, 7, 3),
            1,
            true),
        new LayerCase("Dense(4, relu)", () -> new Dense(4, "relu"), Shape.of(6), 3, true),
        new LayerCase("Dense(5, softmax)", () -> new Dense(5, "softmax"), Shape.of(6), 3, false),
        new LayerCase("Dense(3, linear)", () -> new Dense(3), Shape.of(7), 2, false),
        new LayerCase("MaxPooling2D(2)", () -> new MaxPooling2D(2), Shape.of(4, 4, 2), 2, false),
        new LayerCase(
            "MaxPooling2D(3) strides 2 same",
            () -> new MaxPooling2D(3).strides(2).padding("same"),
            Shape.of(5, 5, 2),
            2,
            false),
        new LayerCase(
            "AveragePooling2D(2)", () -> new AveragePooling2D(2), Shape.of(4, 5, 2), 2, false),
        new LayerCase(
            "AveragePooling2D(3) strides 2 same",
            () -> new AveragePooling2D(3).strides(2).padding("same"),
            Shape.of(5, 5, 2),
            2,
            false),
        new LayerCase(
            "AveragePooling2D(2) same",
            () -> new AveragePooling2D(2).padding("same"),
            Shape.of(3, 5, 2),
            2,
            false),
        new LayerCase(
            "GlobalAveragePooling2D", GlobalAveragePooling2D::new, Shape.of(3, 4, 3), 2, false),
        new LayerCase("Flatten", Flatten::new, Shape.of(3, 3, 2), 2, false),
        new LayerCase("Dropout(0.5) training", () -> new Dropout(0.5), Shape.of(4, 4, 2), 2, false),
        new LayerCase(
            "BatchNormalization training", BatchNormalization::new, Shape.of(3, 3, 3), 3, false),
        new LayerCase(
            "BatchNormalization training (features)",
            BatchNormalization::new,
            Shape.of(4),
            6,
            false),
        new LayerCase(
            "Activation(leaky_relu)",
            () -> new Activation("leaky_relu"),
            Shape.of(3, 3, 2),
            2,
            false),
        new LayerCase(
            "Activation(softmax)", () -> new Activation("softmax"), Shape.of(2, 2, 5), 2, false),
        new LayerCase(
            "Activation(softmax) features", () -> new Activation("softmax"), Shape.of(6), 3, false),
        // ---- the layers of functional models
        new LayerCase(
            "Add of two slices",
            () -> merge(new Add(), new MergeOfSlices.Window(0, 0, 0, 3, 3, 2), half(2)),
            Shape.of(3, 3, 4),
            2,
            false),
        new LayerCase(
            "Subtract of two slices",
            () -> merge(new Subtract(), new MergeOfSlices.Window(0, 0, 0, 3, 3, 2), half(2)),
            Shape.of(3, 3, 4),
            2,
            false),
        new LayerCase(
            "Multiply broadcasting a 1x1 window",
            () ->
                merge(
                    new Multiply(),
                    new MergeOfSlices.Window(0, 0, 0, 3, 3, 2),
                    new MergeOfSlices.Window(1, 1, 2, 1, 1, 2)),
            Shape.of(3, 3, 4),
            2,
            false),
        new LayerCase(
            "Average of three slices",
            () ->
                merge(
                    new Average(),
                    new MergeOfSlices.Window(0, 0, 0, 3, 3, 1),
                    new MergeOfSlices.Window(0, 0, 1, 3, 3, 1),
                    new MergeOfSlices.Window(0, 0, 2, 3, 3, 1)),
            Shape.of(3, 3, 3),
            2,
            false),
        new LayerCase(
            "Maximum of two slices",
            () -> merge(new Maximum(), new MergeOfSlices.Window(0, 0, 0, 3, 3, 2), half(2)),
            Shape.of(3, 3, 4),
            2,
            true),
        new LayerCase(
            "Minimum of two slices",
            () -> merge(new Minimum(), new MergeOfSlices.Window(0, 0, 0, 3, 3, 2), half(2)),
            Shape.of(3, 3, 4),
            2,
            true),
        new LayerCase(
            "Concatenate channels",
            () ->
                merge(
                    new Concatenate(),
                    new MergeOfSlices.Window(0, 0, 0, 3, 3, 1),
                    new MergeOfSlices.Window(0, 0, 1, 3, 3, 3)),
            Shape.of(3, 3, 4),
            2,
            false),
        new LayerCase(
            "Concatenate axis 2",
            () ->
                merge(
                    new Concatenate(2),
                    new MergeOfSlices.Window(0, 0, 0, 3, 1, 2),
                    new MergeOfSlices.Window(0, 1, 2, 3, 2, 2)),
            Shape.of(3, 3, 4),
            2,
            false),
        new LayerCase(
            "ZeroPadding2D(1, 2)", () -> new ZeroPadding2D(1, 2), Shape.of(3, 2, 2), 2, false),
        new LayerCase(
            "Cropping2D(1, 0, 1, 2)",
            () -> new Cropping2D(1, 0, 1, 2),
            Shape.of(4, 5, 2),
            2,
            false),
        new LayerCase("UpSampling2D(2)", () -> new UpSampling2D(2), Shape.of(2, 3, 2), 2, false),
        new LayerCase(
            "UpSampling2D(2, 3, bilinear)",
            () -> new UpSampling2D(2, 3, "bilinear"),
            Shape.of(3, 2, 2),
            2,
            false),
        new LayerCase("Reshape(-1, 4)", () -> new Reshape(-1, 4), Shape.of(2, 3, 2), 2, false),
        new LayerCase("Permute(3, 1, 2)", () -> new Permute(3, 1, 2), Shape.of(2, 3, 4), 2, false),
        new LayerCase(
            "GlobalMaxPooling2D keepdims",
            () -> new GlobalMaxPooling2D(true),
            Shape.of(3, 4, 3),
            2,
            false),
        new LayerCase(
            "GlobalAveragePooling2D keepdims",
            () -> new GlobalAveragePooling2D(true),
            Shape.of(3, 4, 3),
            2,
            false),
        new LayerCase(
            "DepthwiseConv2D(3, x2, relu) same",
            () -> new DepthwiseConv2D(3).depthMultiplier(2).padding("same").activation("relu"),
            Shape.of(4, 4, 3),
            2,
            true),
        new LayerCase(
            "DepthwiseConv2D(3) strides 2 valid",
            () -> new DepthwiseConv2D(3).strides(2),
            Shape.of(5, 5, 2),
            2,
            false),
        new LayerCase(
            "SeparableConv2D(4, 3, tanh) same",
            () -> new SeparableConv2D(4, 3).padding("same").activation("tanh"),
            Shape.of(4, 4, 3),
            2,
            false),
        new LayerCase("LayerNormalization", LayerNormalization::new, Shape.of(3, 5), 2, false),
        new LayerCase(
            "LayerNormalization without center and scale",
            () -> new LayerNormalization().center(false).scale(false),
            Shape.of(6),
            3,
            false),
        new LayerCase("ReLU(6)", () -> new ReLU(6.0), Shape.of(3, 3, 2), 2, false),
        new LayerCase("LeakyReLU", LeakyReLU::new, Shape.of(3, 3, 2), 2, false),
        new LayerCase("ELU", ELU::new, Shape.of(3, 3, 2), 2, false),
        new LayerCase("Softmax(axis=1)", () -> new Softmax(1), Shape.of(3, 2, 2), 2, false),
        new LayerCase(
            "SpatialDropout2D(0.5) training",
            () -> new SpatialDropout2D(0.5),
            Shape.of(2, 2, 6),
            3,
            false),
        new LayerCase(
            "Dense(3, selu) on rank 3", () -> new Dense(3, "selu"), Shape.of(2, 4), 2, false),
        new LayerCase("Dense(3, gelu)", () -> new Dense(3, "gelu"), Shape.of(5), 2, false),
        new LayerCase(
            "Conv2D(2, 3, silu) same",
            () -> new Conv2D(2, 3, "silu").padding("same"),
            Shape.of(3, 3, 2),
            2,
            false),
        new LayerCase(
            "Activation(hard_silu)", () -> new Activation("hard_silu"), Shape.of(3, 3, 2), 2, true),
        new LayerCase(
            "Activation(gelu_approximate)",
            () -> new Activation("gelu_approximate"),
            Shape.of(3, 3, 2),
            2,
            false),
        new LayerCase(
            "Activation(softplus)", () -> new Activation("softplus"), Shape.of(6), 2, false),
        new LayerCase(
            "Activation(softsign)", () -> new Activation("softsign"), Shape.of(6), 2, false),
        // ---- the layers keras.applications needs
        new LayerCase(
            "BatchNormalization(scale=False) training",
            () -> new BatchNormalization().scale(false),
            Shape.of(3, 3, 3),
            3,
            false),
        new LayerCase(
            "BatchNormalization(center=False) inference",
            () -> new BatchNormalization().center(false).trainable(false),
            Shape.of(2, 2, 3),
            2,
            false),
        new LayerCase(
            "Dropout(0.5, noise_shape=(None, 1, 1, 1)) training",
            () -> new Dropout(0.5).noiseShape(null, 1, 1, 1),
            Shape.of(2, 2, 3),
            4,
            false),
        new LayerCase(
            "Dropout(0.4, noise_shape=(1, None, 1, None)) training",
            () -> new Dropout(0.4).noiseShape(1, null, 1, null),
            Shape.of(3, 2, 2),
            2,
            false),
        new LayerCase(
            "StochasticDepth(0.5) training",
            () -> new StochasticDepth(0.5),
            Shape.of(2, 2, 3),
            4,
            false),
        new LayerCase(
            "LayerScale(0.5, 4)", () -> new LayerScale(0.5, 4), Shape.of(2, 3, 4), 2, false),
        new LayerCase(
            "Normalization(mean, variance) per channel",
            () -> new Normalization().mean(0.2, -0.1, 0.3).variance(0.5, 2.0, 1e-16),
            Shape.of(2, 2, 3),
            2,
            false),
        new LayerCase(
            "Normalization(axis=1) adapted, invert",
            () ->
                new Normalization()
                    .axis(1)
                    .invert(true)
                    .adapt(new float[] {0.1f, 0.5f, 0.9f, 0.2f, -0.3f, 0.4f, 0.8f, 0.1f}, 2, 2, 2),
            Shape.of(2, 2),
            3,
            false),
        new LayerCase(
            "Normalization(axis=None) adapted",
            () -> new Normalization().axisNone().adapt(new float[] {1f, 2f, 4f, 7f}, 4, 1),
            Shape.of(3, 2),
            2,
            false));
  }

  private static MergeOfSlices merge(Layer merge, MergeOfSlices.Window... windows) {
    return new MergeOfSlices(merge, windows);
  }

  /** The channels {@code [c, 2c)} of a 3x3 input. */
  private static MergeOfSlices.Window half(int c) {
    return new MergeOfSlices.Window(0, 0, c, 3, 3, c);
  }

  /** The inputs, the backward's seed and the trainable parameters' values of one case. */
  private record Data(float[] x, float[] w, List<float[]> parameterValues) {}

  /** Analytic gradients: dL/dx, then one array per trainable parameter. */
  private record Gradients(float[] output, float[] dx, List<float[]> parameters) {}

  /**
   * Builds the layer on both backends from one seed, checks the initial weights are identical, sets
   * the trainable parameters to seeded values (so biases, gamma and beta are not trivially 0 or 1),
   * compares the forward output and the analytic gradients with the reference's, then the analytic
   * gradients with central finite differences on the backend under test.
   */
  @SuppressWarnings("try") // the session is there for its close, which checks for leaked buffers
  public void gradientsMatchFiniteDifferences(LayerCase c) {
    try (Session s = session();
        Layer layer = c.layer().get();
        Layer oracle = c.layer().get()) {
      build(layer, c, underTest);
      build(oracle, c, reference);
      Data d = data(c, layer);
      List<Parameter> params = layer.parameters();
      List<Parameter> oracleParams = oracle.parameters();
      for (int p = 0; p < params.size(); p++) {
        Compare.close(
            "initial " + params.get(p).name() + " of " + c,
            read(underTest, params.get(p).value()),
            read(reference, oracleParams.get(p).value()),
            Tolerances.EXACT);
      }
      setTrainable(underTest, layer, d.parameterValues());
      setTrainable(reference, oracle, d.parameterValues());

      Gradients got = analytic(underTest, layer, c, d);
      Gradients want = analytic(reference, oracle, c, d);
      Compare.close("forward output of " + c, got.output(), want.output(), LAYER);
      Compare.close("dL/dx of " + c + " against the reference", got.dx(), want.dx(), LAYER);
      List<Parameter> trainable = trainable(layer);
      for (int p = 0; p < trainable.size(); p++) {
        Compare.close(
            "dL/d" + trainable.get(p).name() + " of " + c + " against the reference",
            got.parameters().get(p),
            want.parameters().get(p),
            LAYER);
      }

      int[] straddled = new int[2];
      float[] numericDx = numericInput(c, layer, d, got.dx(), straddled);
      Compare.close(
          "dL/dx of " + c + " against finite differences", got.dx(), numericDx, FINITE_DIFFERENCE);
      for (int p = 0; p < trainable.size(); p++) {
        float[] numeric =
            numericParameter(c, layer, d, trainable.get(p), got.parameters().get(p), straddled);
        Compare.close(
            "dL/d" + trainable.get(p).name() + " of " + c + " against finite differences",
            got.parameters().get(p),
            numeric,
            FINITE_DIFFERENCE);
      }
      if (straddled[0] * 4 > straddled[1]) {
        throw new AssertionFailedError(
            c
                + ": "
                + straddled[0]
                + " of "
                + straddled[1]
                + " coordinates straddle a kink; choose inputs further from the kinks");
      }
    }
  }

  private static void build(Layer layer, LayerCase c, Backend backend) {
    layer.name(layer.defaultNameStem());
    Shape out = layer.build(c.input(), backend, new SplittableRandom(SEED));
    if (!out.equals(layer.outputShape())) {
      throw new AssertionFailedError(
          c + ": build returned " + out + ", outputShape() is " + layer.outputShape());
    }
  }

  private static Data data(LayerCase c, Layer layer) {
    Inputs in = Inputs.forCase(c);
    int n = (int) c.input().withBatch(c.batch()).size();
    int outputs = (int) layer.outputShape().withBatch(c.batch()).size();
    float[] x = distinct(n, in);
    float[] w = in.uniform(outputs, -1, 1);
    List<float[]> values = new ArrayList<>();
    for (Parameter p : trainable(layer)) {
      int size = (int) p.shape().size();
      // Kernels keep their seeded glorot values; biases, gamma and beta get non-trivial ones.
      values.add(p.shape().rank() > 1 ? null : in.awayFromZero(size, 0.1, 0.4));
    }
    return new Data(x, w, values);
  }

  /** {@code n} values {@code (k + 0.5) * SPACING} for k in {@code [-n/2, n/2)}, shuffled. */
  private static float[] distinct(int n, Inputs in) {
    float[] keys = in.uniform(n, 0, 1);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> Float.compare(keys[a], keys[b]));
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[order[i]] = (float) ((i - n / 2 + 0.5) * SPACING);
    return v;
  }

  /** The weights the layer trains (none for a frozen layer, whose gradient only flows through). */
  private static List<Parameter> trainable(Layer layer) {
    return layer.trainableParameters();
  }

  private static void setTrainable(Backend backend, Layer layer, List<float[]> values) {
    List<Parameter> trainable = trainable(layer);
    for (int p = 0; p < trainable.size(); p++) {
      float[] v = values.get(p);
      if (v != null) backend.upload(v, 0, trainable.get(p).value().buffer(), 0, v.length);
    }
  }

  private static float[] read(Backend backend, Tensor t) {
    float[] host = new float[(int) t.size()];
    backend.download(t.buffer(), 0, host, 0, host.length);
    return host;
  }

  /** One training step: forward, backward seeded with w; parameter gradients start as NaN. */
  private static Gradients analytic(Backend backend, Layer layer, LayerCase c, Data d) {
    try (Step step = new Step(backend, true, SEED)) {
      Tensor x = step.allocate(c.input().withBatch(c.batch()));
      backend.upload(d.x(), 0, x.buffer(), 0, d.x().length);
      Tensor y = layer.forward(step, x);
      Shape expected = layer.outputShape().withBatch(c.batch());
      if (!y.shape().equals(expected)) {
        throw new AssertionFailedError(
            c + ": forward gave " + y.shape() + ", expected " + expected);
      }
      float[] output = read(backend, y);
      List<Parameter> trainable = trainable(layer);
      for (Parameter p : trainable)
        backend.fill(p.gradient().buffer(), 0, p.shape().size(), Float.NaN);
      Tensor dy = step.allocate(y.shape(), false);
      backend.upload(d.w(), 0, dy.buffer(), 0, d.w().length);
      step.backward(y, dy);
      if (x.grad() == null)
        throw new AssertionFailedError(c + ": backward left no gradient on the input");
      if (!x.grad().shape().equals(x.shape())) {
        throw new AssertionFailedError(
            c + ": input gradient has shape " + x.grad().shape() + ", expected " + x.shape());
      }
      List<float[]> grads = new ArrayList<>();
      for (Parameter p : trainable) grads.add(read(backend, p.gradient()));
      return new Gradients(output, read(backend, x.grad()), grads);
    }
  }

  /**
   * The forward output on the backend under test for input x, in a training step with the fixed
   * seed.
   */
  private float[] forward(LayerCase c, Layer layer, float[] x) {
    try (Step step = new Step(underTest, true, SEED)) {
      Tensor xt = step.allocate(c.input().withBatch(c.batch()));
      underTest.upload(x, 0, xt.buffer(), 0, x.length);
      return read(underTest, layer.forward(step, xt));
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  private float[] numericInput(
      LayerCase c, Layer layer, Data d, float[] analytic, int[] straddled) {
    float[] numeric = new float[d.x().length];
    for (int i = 0; i < numeric.length; i++) {
      float[] plus = d.x().clone();
      float[] minus = d.x().clone();
      plus[i] = (float) (d.x()[i] + STEP);
      minus[i] = (float) (d.x()[i] - STEP);
      numeric[i] =
          central(
              c,
              forward(c, layer, plus),
              forward(c, layer, minus),
              plus[i] - minus[i],
              d.w(),
              analytic,
              i,
              straddled);
    }
    return numeric;
  }

  private float[] numericParameter(
      LayerCase c, Layer layer, Data d, Parameter p, float[] analytic, int[] straddled) {
    float[] value = read(underTest, p.value());
    float[] numeric = new float[value.length];
    float[] one = new float[1];
    for (int i = 0; i < value.length; i++) {
      float plus = (float) (value[i] + STEP);
      float minus = (float) (value[i] - STEP);
      one[0] = plus;
      underTest.upload(one, 0, p.value().buffer(), i, 1);
      float[] yPlus = forward(c, layer, d.x());
      one[0] = minus;
      underTest.upload(one, 0, p.value().buffer(), i, 1);
      float[] yMinus = forward(c, layer, d.x());
      one[0] = value[i];
      underTest.upload(one, 0, p.value().buffer(), i, 1);
      numeric[i] = central(c, yPlus, yMinus, plus - minus, d.w(), analytic, i, straddled);
    }
    return numeric;
  }

  /**
   * {@code (L(+) - L(-)) / h}; for a piecewise case whose outputs change sign between the two
   * evaluations, NaN in both arrays, which {@link Compare} treats as agreeing.
   */
  private static float central(
      LayerCase c,
      float[] yPlus,
      float[] yMinus,
      double h,
      float[] w,
      float[] analytic,
      int i,
      int[] straddled) {
    straddled[1]++;
    if (c.piecewise()) {
      for (int j = 0; j < yPlus.length; j++) {
        if (Math.signum(yPlus[j]) != Math.signum(yMinus[j])) {
          straddled[0]++;
          analytic[i] = Float.NaN;
          return Float.NaN;
        }
      }
    }
    return (float) ((dot(w, yPlus) - dot(w, yMinus)) / h);
  }
}
