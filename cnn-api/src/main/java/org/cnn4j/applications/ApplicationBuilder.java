package org.cnn4j.applications;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.cnn4j.backends.Backends;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.GlobalMaxPooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.models.Functional;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;

/**
 * The arguments every {@code keras.applications} builder takes, as a fluent builder, and what
 * building one means: the input shape resolved as Keras' {@code obtain_input_shape} does, the
 * network assembled on a backend, weights loaded from a file.
 *
 * <pre>{@code
 * // keras.applications.ResNet50(weights=None, include_top=False, input_shape=(96, 96, 3), pooling="avg")
 * try (Functional base = Applications.resNet50().includeTop(false).inputShape(96, 96, 3).pooling("avg").build()) {
 *   ...
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Keras' arguments</caption>
 *   <tr><th>Keras</th><th>here</th><th>default</th></tr>
 *   <tr><td>include_top</td><td>{@link #includeTop}</td><td>true</td></tr>
 *   <tr><td>weights</td><td>{@link #weights}</td><td>none (Keras' None: random weights)</td></tr>
 *   <tr><td>input_shape</td><td>{@link #inputShape}</td><td>the family's default size, 3 channels</td></tr>
 *   <tr><td>pooling</td><td>{@link #pooling}</td><td>none</td></tr>
 *   <tr><td>classes</td><td>{@link #classes}</td><td>1000</td></tr>
 *   <tr><td>classifier_activation</td><td>{@link #classifierActivation}</td><td>"softmax"</td></tr>
 *   <tr><td>name</td><td>{@link #name}</td><td>Keras' model name ("resnet50")</td></tr>
 * </table>
 *
 * <p>cnn4j shapes are static, so without {@code include_top} and without an input shape the model
 * is built at the family's default size (Keras would leave the height and width None). Keras'
 * {@code weights="imagenet"} downloads; cnn4j never does: {@link #weights} takes a local file.
 * Keras' {@code input_tensor} has no builder argument: a built model is a layer, so {@code
 * model.apply(tensor)} places it on any symbolic tensor.
 *
 * @param <B> the concrete builder, so each setter returns it
 */
public abstract class ApplicationBuilder<B extends ApplicationBuilder<B>> {
  private boolean includeTop = true;
  private Path weights;
  private int[] inputShape;
  private String pooling;
  private int classes = 1000;
  private String classifierActivation = "softmax";
  private String name;
  private Backend backend;
  private long seed = 42L;

  ApplicationBuilder() {}

  @SuppressWarnings("unchecked")
  final B self() {
    return (B) this;
  }

  /** Keras' include_top: whether to end with the classifier (default true). */
  public B includeTop(boolean on) {
    this.includeTop = on;
    return self();
  }

  /**
   * Keras' weights: a local weights file to load after building, or null for the random initial
   * weights (Keras' None, the default). A cnn4j model or weights file ({@code model.save}, {@code
   * model.saveWeights}) is loaded with {@link Model#loadWeights}; Keras' own files ({@code .h5},
   * {@code .keras}, e.g. the ImageNet weights Keras downloads) are read by the cnn-keras module
   * ({@code org.cnn4j.keras}), not by this builder.
   */
  public B weights(Path file) {
    this.weights = file;
    return self();
  }

  /**
   * Keras' input_shape {@code (height, width, channels)}; default: the family's size with 3
   * channels. Keras' least size per family applies (32 for most, 75 for InceptionV3, 71 for
   * Xception).
   */
  public B inputShape(int... shape) {
    this.inputShape = shape == null ? null : shape.clone();
    return self();
  }

  /**
   * Keras' pooling, read without include_top: "avg" (global average pooling), "max" (global max
   * pooling), or null / "none" for the last block's 4D output (the default).
   */
  public B pooling(String mode) {
    String m = mode == null ? null : mode.toLowerCase(Locale.ROOT);
    if (m != null && !m.equals("avg") && !m.equals("max") && !m.equals("none")) {
      throw new IllegalArgumentException(
          "pooling must be \"avg\", \"max\" or none (null), got \"" + mode + "\"");
    }
    this.pooling = "none".equals(m) ? null : m;
    return self();
  }

  /** Keras' classes: the classifier's outputs with include_top (default 1000). */
  public B classes(int n) {
    if (n < 1) throw new IllegalArgumentException("classes must be >= 1, got " + n);
    this.classes = n;
    return self();
  }

  /**
   * Keras' classifier_activation (default "softmax"); null, Keras' None, for the logits ("linear").
   */
  public B classifierActivation(String activation) {
    this.classifierActivation = activation == null ? "linear" : activation;
    return self();
  }

  /** Keras' name: the model's name (default Keras' for the family, e.g. "resnet50"). */
  public B name(String modelName) {
    this.name = modelName;
    return self();
  }

  /** The backend to build on (the caller keeps and closes it); default: a new default backend. */
  public B backend(Backend on) {
    this.backend = on;
    return self();
  }

  /** The seed of the random initial weights (default 42). */
  public B seed(long s) {
    this.seed = s;
    return self();
  }

  // ---------------------------------------------------------------- what the families read

  boolean includeTop() {
    return includeTop;
  }

  String pooling() {
    return pooling;
  }

  /** The classifier's outputs with include_top (default 1000; LeNet-5's 10). */
  public int classes() {
    return classes;
  }

  String classifierActivation() {
    return classifierActivation;
  }

  long seed() {
    return seed;
  }

  /** The family's default input height and width. */
  abstract int defaultSize();

  /** The family's least input height and width (Keras' min_size). */
  int minSize() {
    return 32;
  }

  /** The default input shape when none is given: the default size, 3 channels. */
  int[] defaultShape() {
    return new int[] {defaultSize(), defaultSize(), 3};
  }

  /** Keras' model name for this input shape. */
  abstract String defaultName(int[] inputShape);

  /** Assembles the network from the input; may build nested models on {@code parts}. */
  abstract SymbolicTensor assemble(SymbolicTensor input, Parts parts);

  /** What assembling needs beyond the graph: the backend for nested models, and their owners. */
  static final class Parts {
    final Backend backend;
    final long seed;
    final List<Model> nested = new ArrayList<>();

    Parts(Backend backend, long seed) {
      this.backend = backend;
      this.seed = seed;
    }

    /** Registers a nested model built here, closed with the outer one. */
    <M extends Model> M nested(M model) {
      nested.add(model);
      return model;
    }
  }

  // ---------------------------------------------------------------- building

  /**
   * The input shape the model will have, {@code (height, width, channels)}: the one given, else the
   * family's default, as Keras' obtain_input_shape resolves it (with static sizes).
   *
   * @throws IllegalArgumentException for a shape Keras refuses (smaller than the family allows)
   */
  public int[] resolvedInputShape() {
    if (inputShape == null) return defaultShape();
    if (inputShape.length != 3) {
      throw new IllegalArgumentException(
          "input_shape must be a tuple of three integers (height, width, channels), got "
              + Arrays.toString(inputShape));
    }
    for (int d : inputShape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "input_shape sizes must be >= 1, got " + Arrays.toString(inputShape));
      }
    }
    if (inputShape[0] < minSize() || inputShape[1] < minSize()) {
      throw new IllegalArgumentException(
          "Input size must be at least "
              + minSize()
              + "x"
              + minSize()
              + "; Received: input_shape="
              + Arrays.toString(inputShape));
    }
    return inputShape.clone();
  }

  /**
   * Builds the model: on the given backend, or on a new default one that the model then owns and
   * closes; then loads {@link #weights} when set.
   *
   * @throws IllegalArgumentException for arguments Keras refuses, or a weights file that does not
   *     exist or is a Keras file
   * @throws UncheckedIOException when the weights file cannot be read
   */
  public Functional build() {
    int[] shape = resolvedInputShape();
    checkWeightsFile();
    Backend on = backend != null ? backend : Backends.open();
    boolean owned = backend == null;
    Parts parts = new Parts(on, seed);
    Functional model;
    try {
      SymbolicTensor input = Input.of(shape);
      SymbolicTensor output = assemble(input, parts);
      model =
          new Functional(on, seed, List.of(input), List.of(output))
              .name(name != null ? name : defaultName(shape));
    } catch (RuntimeException e) {
      parts.nested.forEach(Model::close);
      if (owned) on.close();
      throw e;
    }
    parts.nested.forEach(model::closeWith);
    if (owned) model.closeWith(on);
    if (weights != null) {
      try {
        model.loadWeights(weights);
      } catch (IOException e) {
        model.close();
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    return model;
  }

  private void checkWeightsFile() {
    if (weights == null) return;
    String file = weights.getFileName().toString().toLowerCase(Locale.ROOT);
    if (file.endsWith(".h5") || file.endsWith(".keras") || file.endsWith(".hdf5")) {
      throw new IllegalArgumentException(
          weights
              + " is a Keras weights file: the cnn-keras module (org.cnn4j.keras) reads those;"
              + " this builder loads cnn4j model or weights files (model.save, model.saveWeights)");
    }
    if (!Files.isRegularFile(weights)) {
      throw new IllegalArgumentException(
          "The `weights` argument should be either none (random initialization) or the path to"
              + " the weights file to be loaded; no such file: "
              + weights);
    }
  }

  // ---------------------------------------------------------------- shared pieces

  /**
   * Keras' usual top: with include_top, {@code pool} (usually a GlobalAveragePooling2D named
   * "avg_pool") then the Dense classifier "predictions"; without, the pooling asked for.
   */
  SymbolicTensor classifier(SymbolicTensor x, Layer pool, String avgName, String maxName) {
    if (includeTop) {
      x = pool.apply(x);
      return new Dense(classes, classifierActivation).name("predictions").apply(x);
    }
    return pooled(x, avgName, maxName);
  }

  /** Without include_top: the pooling asked for, its layer named as Keras names it (or unnamed). */
  SymbolicTensor pooled(SymbolicTensor x, String avgName, String maxName) {
    if ("avg".equals(pooling)) {
      Layer l = new GlobalAveragePooling2D();
      if (avgName != null) l.name(avgName);
      return l.apply(x);
    }
    if ("max".equals(pooling)) {
      Layer l = new GlobalMaxPooling2D();
      if (maxName != null) l.name(maxName);
      return l.apply(x);
    }
    return x;
  }

  /** Keras' imagenet_utils.correct_pad: (top, bottom, left, right) before a strided k x k. */
  static int[] correctPad(SymbolicTensor x, int kernel) {
    int h = x.shape().dim(0);
    int w = x.shape().dim(1);
    int c = kernel / 2;
    return new int[] {c - (1 - h % 2), c, c - (1 - w % 2), c};
  }

  /** Python's {@code int(v)} for the positive values the families compute. */
  static int trunc(double v) {
    return (int) v;
  }
}
