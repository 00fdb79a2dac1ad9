package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.regularizers.Regularizer;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * A layer, as Keras' {@code keras.layers.Layer}. Its life has three parts:
 *
 * <ol>
 *   <li><b>Calls</b>: {@link #apply} on {@link SymbolicTensor}s checks the shapes (an error names
 *       the layer, the shape it got and what it expects) and records a {@link Node}; a layer
 *       applied twice shares its weights between the two places.
 *   <li><b>Build</b>: the model that holds the layer creates its parameters on the model's backend
 *       from a seeded generator, so every backend starts from identical weights.
 *   <li><b>Forward</b>: {@link #forward} computes a batch and records its backward on the step's
 *       tape when training.
 * </ol>
 *
 * Shapes exclude the batch axis. A subclass with one input implements {@link
 * #computeOutputShape(Shape)} and {@link #forward(Step, Tensor)}; one with several inputs (a merge)
 * overrides the list forms.
 */
public abstract class Layer implements AutoCloseable {
  private String name;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Parameter> parameters = new ArrayList<>();
  private final Map<Parameter, Regularizer> regularizers = new LinkedHashMap<>();
  private Backend backend;
  private boolean built;
  private boolean trainable = true;

  /** Keras' class name, shown in {@code summary()}: "Conv2D", "Dense". */
  public String typeName() {
    return getClass().getSimpleName();
  }

  /** Keras' default name stem: "conv2d", "max_pooling2d". */
  public String defaultNameStem() {
    return typeName()
        .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .toLowerCase(Locale.ROOT)
        .replace("2_d", "2d");
  }

  /** The layer's name, or null until it is given one or a model names it. */
  public String name() {
    return name;
  }

  /**
   * Sets the name (a model names unnamed layers "conv2d", "conv2d_1", ... in the order they run).
   *
   * @throws IllegalArgumentException for an empty name or one with a '/', which separates a layer's
   *     name from its weights' names in model files
   */
  public Layer name(String newName) {
    if (newName == null || newName.isEmpty() || newName.contains("/")) {
      throw new IllegalArgumentException(
          "layer name must be non-empty and without '/', got \"" + newName + "\"");
    }
    this.name = newName;
    return this;
  }

  /** The name, or the default stem while the layer has none. */
  public String displayName() {
    return name == null ? defaultNameStem() : name;
  }

  // ---------------------------------------------------------------- calls (the graph)

  /**
   * Calls the layer on symbolic tensors (Keras' {@code layer(x)} or {@code layer([a, b])}) and
   * returns its output. For a layer with several outputs (a nested model) use {@link #applyAll}.
   *
   * @throws IllegalArgumentException naming the layer when the inputs do not fit it
   */
  public final SymbolicTensor apply(SymbolicTensor... inputs) {
    List<SymbolicTensor> out = applyAll(List.of(inputs));
    if (out.size() != 1) {
      throw new IllegalStateException(
          "Layer " + describe() + " has " + out.size() + " outputs; use applyAll");
    }
    return out.get(0);
  }

  /** Calls the layer on symbolic tensors and returns all its outputs. */
  public final List<SymbolicTensor> applyAll(List<SymbolicTensor> inputs) {
    if (inputs.isEmpty()) throw new IllegalArgumentException("Layer " + describe() + ": no input");
    List<Shape> shapes = new ArrayList<>();
    for (SymbolicTensor t : inputs) shapes.add(t.shape());
    if (!nodes.isEmpty() && !shapes.equals(inputShapes())) {
      throw new IllegalArgumentException(
          "Layer "
              + describe()
              + " is applied again to inputs of shape "
              + batchStrings(shapes)
              + ", but its weights were made for "
              + batchStrings(inputShapes())
              + "; a shared layer takes inputs of the same shape");
    }
    List<Shape> out = computeOutputShapes(shapes);
    Node node = new Node(this, nodes.size(), inputs, out);
    nodes.add(node);
    return node.outputs();
  }

  /** A call with no inputs: an {@link Input}'s only node. */
  final SymbolicTensor addSourceNode(Shape shape) {
    Node node = new Node(this, nodes.size(), List.of(), List.of(shape));
    nodes.add(node);
    return node.outputs().get(0);
  }

  private static String batchStrings(List<Shape> shapes) {
    return shapes.size() == 1
        ? shapes.get(0).toBatchString()
        : shapes.stream().map(Shape::toBatchString).toList().toString();
  }

  /** Every call of this layer, in order. */
  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * The output of the layer's only call (Keras' {@code layer.output}): with it, an inner activation
   * of a model becomes the output of a new one, e.g. a feature extractor.
   *
   * @throws IllegalStateException when the layer was never called, was called at several places, or
   *     has several outputs
   */
  public SymbolicTensor output() {
    Node node = onlyNode("output");
    if (node.outputs().size() != 1) {
      throw new IllegalStateException(
          "Layer " + describe() + " has " + node.outputs().size() + " outputs");
    }
    return node.outputs().get(0);
  }

  /** The input of the layer's only call (Keras' {@code layer.input}). */
  public SymbolicTensor input() {
    Node node = onlyNode("input");
    if (node.inputs().size() != 1) {
      throw new IllegalStateException(
          "Layer " + describe() + " has " + node.inputs().size() + " inputs");
    }
    return node.inputs().get(0);
  }

  private Node onlyNode(String what) {
    if (nodes.isEmpty()) throw new IllegalStateException("Layer " + describe() + " is not called");
    if (nodes.size() > 1) {
      throw new IllegalStateException(
          "Layer "
              + describe()
              + " is called at "
              + nodes.size()
              + " places, so its "
              + what
              + " is ambiguous; use nodes().get(i)");
    }
    return nodes.get(0);
  }

  /** The shape of the first input of the first call, or null before any call. */
  public Shape inputShape() {
    return nodes.isEmpty() || nodes.get(0).inputs().isEmpty()
        ? null
        : nodes.get(0).inputs().get(0).shape();
  }

  /** The shapes of the first call's inputs (empty before any call). */
  public List<Shape> inputShapes() {
    if (nodes.isEmpty()) return List.of();
    return nodes.get(0).inputs().stream().map(SymbolicTensor::shape).toList();
  }

  /** The shape of the first call's first output, or null before any call. */
  public Shape outputShape() {
    return nodes.isEmpty() ? null : nodes.get(0).outputs().get(0).shape();
  }

  /**
   * The output shapes for the input shapes of a call; throws with a clear message for bad ones. The
   * default takes one input and gives one output; a merge layer overrides it.
   */
  protected List<Shape> computeOutputShapes(List<Shape> inputs) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(
          "Layer " + describe() + " takes one input, got " + inputs.size());
    }
    return List.of(computeOutputShape(inputs.get(0)));
  }

  /** The output shape for an input shape; throws with a clear message for a bad one. */
  protected abstract Shape computeOutputShape(Shape input);

  // ---------------------------------------------------------------- weights

  /**
   * Creates the parameters on {@code backend} for the shapes of the first call. A model builds the
   * layers it holds when it is made; a built layer stays on its backend.
   */
  public final void build(Backend backend, SplittableRandom random) {
    if (built) throw new IllegalStateException(describe() + " is already built");
    if (nodes.isEmpty()) {
      throw new IllegalStateException(
          "Layer "
              + describe()
              + " is not called on any input, so its weights' shapes are unknown");
    }
    this.backend = backend;
    this.built = true;
    createParameters(inputShapes(), backend, random);
  }

  /**
   * Calls the layer on a new input of shape {@code input} and builds it, for a layer used on its
   * own (tests, custom loops). Returns the output shape.
   */
  public final Shape build(Shape input, Backend backend, SplittableRandom random) {
    Shape out = apply(Input.of(input.dims())).shape();
    build(backend, random);
    return out;
  }

  /** Whether {@link #build} has created the parameters. */
  public boolean isBuilt() {
    return built;
  }

  /** Marks a layer whose weights live in other layers (a model) as built on {@code backend}. */
  protected final void markBuilt(Backend backend) {
    this.backend = backend;
    this.built = true;
  }

  /** The backend the parameters live on; null before {@link #build}. */
  public Backend backend() {
    return backend;
  }

  /** Creates the parameters for the input shapes; by default, for a single input. */
  protected void createParameters(List<Shape> inputs, Backend backend, SplittableRandom random) {
    if (!inputs.isEmpty()) createParameters(inputs.get(0), backend, random);
  }

  /** Creates the parameters with {@link #addParameter}. Most layers have none. */
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {}

  /**
   * Creates a parameter named {@code layer/paramName} and adds it to {@link #parameters()}; for
   * {@link #createParameters}.
   *
   * @param backend where the weight lives
   * @param paramName the weight's name within the layer ("kernel", "bias", ...)
   * @param shape the weight's shape
   * @param initial the starting values, {@code shape.size()} of them
   * @param trainable whether the optimizer updates it
   * @return the parameter
   */
  protected final Parameter addParameter(
      Backend backend, String paramName, Shape shape, float[] initial, boolean trainable) {
    Parameter p =
        new Parameter(backend, displayName() + "/" + paramName, shape, initial, trainable);
    parameters.add(p);
    return p;
  }

  /** Adds {@code r}'s penalty on {@code p} to the loss (nothing when r is null). */
  protected final void regularize(Parameter p, Regularizer r) {
    if (r != null) regularizers.put(p, r);
  }

  /** The weights that carry a penalty, with it (Keras' {@code kernel_regularizer}). */
  public Map<Parameter, Regularizer> regularizers() {
    return java.util.Collections.unmodifiableMap(regularizers);
  }

  /** Every weight, trainable or not, in creation order (Keras' {@code layer.weights}). */
  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  /**
   * The weights an optimizer updates: none when the layer is frozen, else those that train (a
   * BatchNormalization's moving statistics never do).
   */
  public List<Parameter> trainableParameters() {
    return trainable ? parameters().stream().filter(Parameter::trainable).toList() : List.of();
  }

  /** The number of weight values, trainable or not (Keras' {@code count_params()}). */
  public long countParams() {
    return parameters().stream().mapToLong(p -> p.shape().size()).sum();
  }

  /** The number of values in {@link #trainableParameters()}: 0 for a frozen layer. */
  public long countTrainableParams() {
    return trainableParameters().stream().mapToLong(p -> p.shape().size()).sum();
  }

  /** Whether {@code fit} updates this layer's weights (Keras' {@code layer.trainable}). */
  public boolean trainable() {
    return trainable;
  }

  /**
   * Freezes ({@code false}) or unfreezes the layer, as Keras' {@code layer.trainable = False}: its
   * weights stay as they are during {@code fit}, and a frozen BatchNormalization runs in inference
   * mode (Keras 3).
   */
  public Layer trainable(boolean on) {
    this.trainable = on;
    return this;
  }

  // ---------------------------------------------------------------- computation

  /** Computes the output for a batch; {@code x} has shape {@code [batch] + inputShape()}. */
  public abstract Tensor forward(Step step, Tensor x);

  /** Computes the outputs of one call from its inputs; by default, one input and one output. */
  public List<Tensor> forward(Step step, List<Tensor> inputs) {
    return List.of(forward(step, inputs.get(0)));
  }

  /**
   * Whether training on a batch equals training on slices of it and adding their gradients (true
   * unless the layer's training output depends on the other rows of the batch, as batch statistics
   * do). Only then may a model split a training batch across backend lanes.
   */
  public boolean rowsIndependentInTraining() {
    return true;
  }

  /**
   * Whether this layer's output is a buffer of its own whose values its backward does not read (it
   * reads the inputs and the output's gradient): then the next layer, when it alone reads that
   * output, may overwrite it in place ({@link InPlaceLayer}) and the pass keeps one buffer fewer.
   * False unless a layer says so: a wrong true corrupts gradients.
   */
  public boolean outputOverwritable() {
    return false;
  }

  /**
   * Whether this layer's backward reads its inputs' values. A layer whose backward needs only its
   * output's gradient (Add) says false, and a model frees an input it alone reads once it ran, when
   * the input's own layer does not read it either ({@link #outputOverwritable()}). True unless a
   * layer says so: a wrong false is a use of a freed buffer.
   */
  public boolean inputsReadByBackward() {
    return true;
  }

  /** "conv2d (Conv2D)", as Keras' summary shows a layer. */
  public String describe() {
    return displayName() + " (" + typeName() + ")";
  }

  /** An error for a bad input shape, naming the layer and both shapes. */
  protected final IllegalArgumentException badInput(Shape input, String expected) {
    return new IllegalArgumentException(
        "Layer "
            + describe()
            + ": input shape "
            + input.toBatchString()
            + " is invalid; expected "
            + expected);
  }

  /**
   * Keras' {@code get_config()}: the name and the constructor arguments under Keras' names, as
   * model files store them ({@code org.cnn4j.io}). A subclass adds its own arguments.
   */
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    if (!trainable) c.put("trainable", false);
    return c;
  }

  /** Frees the parameters (idempotent). */
  @Override
  public void close() {
    parameters.forEach(Parameter::close);
  }
}
