package org.cnn4j.models;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.cnn4j.backends.Backends;
import org.cnn4j.backends.SharedBackend;
import org.cnn4j.io.ModelFiles;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.SoftmaxOutput;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.losses.Loss;
import org.cnn4j.metrics.Metric;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.regularizers.Regularizer;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.LossKind;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * What every model has, whatever the shape of its network, as Keras' {@code keras.Model}: a graph
 * of layers from its inputs to its outputs, {@link #compile}, {@link #fit}, {@link #evaluate},
 * {@link #predict}, weights, model files and {@link #summary()}. {@link Functional} builds the
 * graph from symbolic tensors, {@link Sequential} from a list of layers.
 *
 * <p>A model is also a layer: applied to symbolic tensors it becomes part of a larger model and
 * shares its weights with it.
 *
 * <p>The model owns the parameters of the layers it built and its optimizer state, and frees them
 * on {@link #close()}, and the backend too when it opened it. Layers it took already built (a
 * feature extractor made from another model's layers) stay their builder's. It prints only {@link
 * #summary()} and the progress line, to {@link #output(PrintStream)} (System.out by default).
 */
public abstract class Model extends Layer {
  private final Graph graph;
  private final Backend backend;
  private final SharedBackend sharedBackend;
  private final UseGuard guard;
  private final long seed;
  private final List<Layer> ownLayers = new ArrayList<>();
  private final List<AutoCloseable> closeWith = new ArrayList<>();
  private Optimizer optimizer;
  private List<Head> heads = List.of();
  private PrintStream out = System.out;
  private Training training;
  private int epochsTrained;
  private float inputScale = 1f;
  private float inputOffset;
  private List<String> classNames;

  /**
   * Makes the model of the graph from {@code inputs} to {@code outputs}: names unnamed layers
   * Keras' way ("conv2d", "conv2d_1", ...) and builds those not built yet, in the order they run,
   * from a generator seeded with {@code seed}.
   *
   * @param backend where to build the weights; null for the backend of the layers already built, or
   *     else the backend models share ({@link Backends#shared()}), which the model lets go of when
   *     it closes
   */
  protected Model(
      String defaultName,
      Backend backend,
      long seed,
      List<SymbolicTensor> inputs,
      List<SymbolicTensor> outputs) {
    this.graph = Graph.of(defaultName, inputs, outputs);
    Backend built = builtBackend(graph.layers());
    if (backend != null && built != null && built != backend) {
      throw new IllegalArgumentException(
          defaultName + ": its layers are built on another backend than the one given");
    }
    this.sharedBackend = backend == null && built == null ? Backends.shared() : null;
    this.backend = backend != null ? backend : built != null ? built : sharedBackend.backend();
    this.seed = seed;
    this.guard = new UseGuard(defaultName);
    name(defaultName);
    try {
      LayerNames.assign(name(), graph.layers());
      SplittableRandom random = new SplittableRandom(seed);
      for (Layer layer : graph.layers()) {
        if (!layer.isBuilt()) {
          layer.build(this.backend, random);
          ownLayers.add(layer);
        }
      }
      markBuilt(this.backend);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static Backend builtBackend(List<Layer> layers) {
    Backend found = null;
    for (Layer l : layers) {
      if (!l.isBuilt()) continue;
      if (found == null) found = l.backend();
      else if (l.backend() != found) {
        throw new IllegalArgumentException(
            "Layer " + l.describe() + " is built on another backend than the model's other layers");
      }
    }
    return found;
  }

  @Override
  public Model name(String newName) {
    super.name(newName);
    return this;
  }

  /** The backend the model's weights live on. */
  @Override
  public Backend backend() {
    return backend;
  }

  /** The seed the weights were initialised from; {@code fit} options keep their own seed. */
  public long seed() {
    return seed;
  }

  // ---------------------------------------------------------------- the graph

  /** The model's inputs (Keras' {@code model.inputs}). */
  public List<SymbolicTensor> inputs() {
    return graph.inputs();
  }

  /** The model's outputs (Keras' {@code model.outputs}). */
  public List<SymbolicTensor> outputs() {
    return graph.outputs();
  }

  /**
   * Every layer of the graph in the order they run, inputs first (Keras' {@code model.layers};
   * {@link Sequential} leaves its input out, as Keras does).
   */
  public List<Layer> layers() {
    return graph.layers();
  }

  /** The calls of the graph in the order they run. */
  List<Node> graphNodes() {
    return graph.nodes();
  }

  /**
   * The layer named {@code layerName} (Keras' {@code model.get_layer(name)}).
   *
   * @throws IllegalArgumentException listing the model's layer names when there is none
   */
  public Layer getLayer(String layerName) {
    for (Layer l : graph.layers()) {
      if (layerName.equals(l.name())) return l;
    }
    throw new IllegalArgumentException(
        "No such layer: "
            + layerName
            + ". Existing layers are: "
            + graph.layers().stream().map(Layer::name).toList());
  }

  /** The sample shape of the model's only input. */
  @Override
  public Shape inputShape() {
    return only(graph.inputs(), "input").shape();
  }

  /** The sample shape of the model's only output. */
  @Override
  public Shape outputShape() {
    return only(graph.outputs(), "output").shape();
  }

  private SymbolicTensor only(List<SymbolicTensor> tensors, String what) {
    if (tensors.size() != 1) {
      throw new IllegalStateException(
          "Model '" + name() + "' has " + tensors.size() + " " + what + "s; use " + what + "s()");
    }
    return tensors.get(0);
  }

  // ---------------------------------------------------------------- the model as a layer

  @Override
  public String typeName() {
    return getClass().getSimpleName();
  }

  @Override
  protected List<Shape> computeOutputShapes(List<Shape> in) {
    List<Shape> expected = graph.inputs().stream().map(SymbolicTensor::shape).toList();
    if (!in.equals(expected)) {
      throw new IllegalArgumentException(
          "Model '"
              + name()
              + "' takes inputs of shape "
              + expected.stream().map(Shape::toBatchString).toList()
              + ", got "
              + in.stream().map(Shape::toBatchString).toList());
    }
    return graph.outputs().stream().map(SymbolicTensor::shape).toList();
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return computeOutputShapes(List.of(input)).get(0);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    return forward(step, List.of(x)).get(0);
  }

  @Override
  public List<Tensor> forward(Step step, List<Tensor> inputs) {
    return graph.run(step, inputs, Set.of());
  }

  @Override
  public boolean rowsIndependentInTraining() {
    return graph.layers().stream().allMatch(Layer::rowsIndependentInTraining);
  }

  /** Every weight of every layer, each once, in layer order (Keras' {@code model.weights}). */
  @Override
  public List<Parameter> parameters() {
    Set<Parameter> all = new LinkedHashSet<>();
    for (Layer l : graph.layers()) all.addAll(l.parameters());
    return List.copyOf(all);
  }

  @Override
  public List<Parameter> trainableParameters() {
    if (!trainable()) return List.of();
    Set<Parameter> all = new LinkedHashSet<>();
    for (Layer l : graph.layers()) all.addAll(l.trainableParameters());
    return List.copyOf(all);
  }

  @Override
  public Map<Parameter, Regularizer> regularizers() {
    Map<Parameter, Regularizer> all = new LinkedHashMap<>();
    for (Layer l : graph.layers()) all.putAll(l.regularizers());
    return all;
  }

  /**
   * Freezes or unfreezes every layer, as Keras 3's {@code model.trainable = False}, which sets the
   * flag on all sublayers; a layer unfrozen afterwards trains again.
   */
  @Override
  public Model trainable(boolean on) {
    super.trainable(on);
    for (Layer l : graph.layers()) l.trainable(on);
    return this;
  }

  // ---------------------------------------------------------------- printing

  /** Where summary(), the progress line and callbacks' messages go. */
  public Model output(PrintStream stream) {
    this.out = stream;
    return this;
  }

  /** Where summary(), the progress line and callbacks' messages go. */
  public PrintStream printStream() {
    return out;
  }

  /** The model's only output (Keras' {@code model.output}). */
  @Override
  public SymbolicTensor output() {
    return only(graph.outputs(), "output");
  }

  /** The model's only input (Keras' {@code model.input}). */
  @Override
  public SymbolicTensor input() {
    return only(graph.inputs(), "input");
  }

  /** Prints Keras 3's summary table. */
  public void summary() {
    SummaryTable.print(this, out);
  }

  // ---------------------------------------------------------------- compile

  /**
   * Sets the optimizer, the loss and the metrics ("accuracy", "top_k_categorical_accuracy"); a
   * model with several outputs applies the loss and the metrics to each, with weight 1.
   */
  public void compile(Optimizer opt, Loss loss, String... metricNames) {
    Map<String, Loss> losses = new LinkedHashMap<>();
    Map<String, List<String>> metrics = new LinkedHashMap<>();
    for (String outName : outputNames()) {
      losses.put(outName, loss);
      metrics.put(outName, List.of(metricNames));
    }
    compile(opt, losses, Map.of(), metrics);
  }

  /**
   * The optimizer, the loss and metric objects (built-in or custom ones, Keras' {@code
   * metrics=[...]} of objects), for a model with one output.
   *
   * @throws IllegalStateException for a model with several outputs: use the per-output form
   */
  public void compile(Optimizer opt, Loss loss, List<Metric> metrics) {
    if (graph.outputs().size() != 1) {
      throw new IllegalStateException(
          "compile: model '"
              + name()
              + "' has several outputs; give a loss and metrics per output");
    }
    compileHeads(
        opt,
        Map.of(outputNames().get(0), loss),
        Map.of(),
        Map.of(outputNames().get(0), List.copyOf(metrics)));
  }

  /** Keras' string form: {@code compile("adam", "sparse_categorical_crossentropy", "accuracy")}. */
  public void compile(String opt, String lossName, String... metricNames) {
    compile(Optimizer.of(opt), Loss.of(lossName), metricNames);
  }

  /**
   * A loss, a weight in the total loss (default 1) and metrics per output, keyed by the output
   * layers' names, as Keras' {@code compile(loss={...}, loss_weights={...}, metrics={...})}. The
   * logs name each output's loss and metrics after it ("out1_loss", "out1_accuracy") when the model
   * has several outputs; "loss" is the weighted sum.
   *
   * @throws IllegalArgumentException for a name that is not an output, or an output without loss
   */
  public void compile(
      Optimizer opt,
      Map<String, Loss> losses,
      Map<String, Double> lossWeights,
      Map<String, List<String>> metrics) {
    Map<String, List<Metric>> objects = new LinkedHashMap<>();
    metrics.forEach((k, v) -> objects.put(k, v.stream().map(Metric::of).toList()));
    compileHeads(opt, losses, lossWeights, objects);
  }

  private void compileHeads(
      Optimizer opt,
      Map<String, Loss> losses,
      Map<String, Double> lossWeights,
      Map<String, List<Metric>> metrics) {
    List<String> names = outputNames();
    for (Map<String, ?> m : List.of(losses, lossWeights, metrics)) {
      for (String key : m.keySet()) {
        if (!names.contains(key)) {
          throw new IllegalArgumentException(
              "compile: '"
                  + key
                  + "' is not an output of model '"
                  + name()
                  + "'; outputs: "
                  + names);
        }
      }
    }
    List<Head> made = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String outName = names.get(i);
      Loss loss = losses.get(outName);
      if (loss == null) {
        throw new IllegalArgumentException("compile: no loss for output '" + outName + "'");
      }
      List<Metric> metricList = metrics.getOrDefault(outName, List.of());
      List<String> metricNames = metricList.stream().map(Metric::name).toList();
      Node fused = fusedNode(graph.outputs().get(i), loss);
      LossKind kind = fused != null ? loss.kindOnSoftmaxLogits() : loss.kind();
      double weight = lossWeights.getOrDefault(outName, 1.0);
      if (!(weight >= 0 && Double.isFinite(weight))) {
        throw new IllegalArgumentException(
            "compile: loss weight of '" + outName + "' must be finite and >= 0, got " + weight);
      }
      made.add(new Head(i, outName, loss, weight, metricList, metricNames, kind, fused));
    }
    if (optimizer != null && optimizer != opt) optimizer.close();
    this.optimizer = opt;
    this.heads = List.copyOf(made);
  }

  /**
   * The output's node when the loss can take its logits: the layer ends in a softmax, the loss is a
   * cross-entropy of probabilities, and nothing else in the graph reads the output (it would need
   * the probabilities).
   */
  private Node fusedNode(SymbolicTensor output, Loss loss) {
    boolean fuse =
        loss.kindOnSoftmaxLogits() != null
            && output.layer() instanceof SoftmaxOutput s
            && s.endsInSoftmax()
            && !graph.isRead(output)
            && graph.outputs().stream().filter(o -> o == output).count() == 1
            && graph.nodes().contains(output.node());
    return fuse ? output.node() : null;
  }

  /** The output layers' names, as Keras names outputs in logs and compile's maps. */
  public List<String> outputNames() {
    return graph.outputs().stream().map(t -> t.layer().name()).toList();
  }

  /** The optimizer given to {@code compile}, null before compile. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The loss of the only output (or of the first, for several), null before compile. */
  public Loss loss() {
    return heads.isEmpty() ? null : heads.get(0).loss();
  }

  /** The losses per output name, null values before compile. */
  public Map<String, Loss> losses() {
    Map<String, Loss> all = new LinkedHashMap<>();
    for (Head h : heads) all.put(h.name(), h.loss());
    return all;
  }

  /** The loss weights per output name. */
  public Map<String, Double> lossWeights() {
    Map<String, Double> all = new LinkedHashMap<>();
    for (Head h : heads) all.put(h.name(), h.weight());
    return all;
  }

  /** The metric names given to {@link #compile} for the first output, as written there. */
  public List<String> metricNames() {
    return heads.isEmpty() ? List.of() : heads.get(0).metricNames();
  }

  /** The metric names per output name. */
  public Map<String, List<String>> metricNamesPerOutput() {
    Map<String, List<String>> all = new LinkedHashMap<>();
    for (Head h : heads) all.put(h.name(), h.metricNames());
    return all;
  }

  List<Head> heads() {
    return heads;
  }

  /**
   * Epochs completed by {@code fit} so far, counting those of a model file it was loaded from: the
   * {@code initialEpoch} to resume with.
   */
  public int epochsTrained() {
    return epochsTrained;
  }

  /** Sets the epochs completed (model files restore it). */
  public void epochsTrained(int epochs) {
    if (epochs < 0)
      throw new IllegalArgumentException("epochs trained must be >= 0, got " + epochs);
    this.epochsTrained = epochs;
  }

  // ---------------------------------------------------------------- weights and model files

  /**
   * Host copies of every parameter's value, trainable or not, in {@link #parameters()} order
   * (Keras' get_weights).
   */
  public List<float[]> getWeights() {
    return guard.call(
        "get_weights",
        () -> {
          List<float[]> all = new ArrayList<>();
          for (Parameter p : parameters()) {
            float[] v = new float[(int) p.shape().size()];
            backend.download(p.value().buffer(), 0, v, 0, v.length);
            all.add(v);
          }
          return all;
        });
  }

  /**
   * Sets every parameter's value from host arrays in {@link #parameters()} order (Keras'
   * set_weights).
   */
  public void setWeights(List<float[]> weights) {
    guard.call(
        "set_weights",
        () -> {
          putWeights(weights);
          return null;
        });
  }

  private void putWeights(List<float[]> weights) {
    List<Parameter> params = parameters();
    if (weights.size() != params.size()) {
      throw new IllegalArgumentException(
          "set_weights: the model has " + params.size() + " weights, got " + weights.size());
    }
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      if (weights.get(i).length != p.shape().size()) {
        throw new IllegalArgumentException(
            "set_weights: "
                + p.name()
                + " of shape "
                + p.shape()
                + " holds "
                + p.shape().size()
                + " values, got "
                + weights.get(i).length);
      }
    }
    for (int i = 0; i < params.size(); i++) {
      backend.upload(weights.get(i), 0, params.get(i).value().buffer(), 0, weights.get(i).length);
    }
  }

  /**
   * Saves the architecture, weights, optimizer state and epochs trained to one file (format in
   * docs/MODEL_FORMAT.md), atomically: a failure leaves any previous file as it was. A name another
   * format on the class path claims ({@link org.cnn4j.io.ModelFormat}: "x.keras" with {@code
   * cnn-keras}) is written in that format.
   *
   * @throws IllegalArgumentException for a ".keras" name when no format on the class path writes
   *     Keras files
   */
  public void save(Path path) throws IOException {
    var other = org.cnn4j.io.ModelFormat.writing(path);
    if (other.isPresent()) {
      other.get().save(this, path);
      return;
    }
    if (path.getFileName() != null && path.getFileName().toString().endsWith(".keras")) {
      throw new IllegalArgumentException(
          path + ": writing Keras files needs the cnn-keras module on the class path");
    }
    ModelFiles.save(this, path);
  }

  /** Saves the weights only (names, shapes, values), atomically. */
  public void saveWeights(Path path) throws IOException {
    ModelFiles.saveWeights(this, path);
  }

  /**
   * Loads weights saved by {@link #saveWeights} or {@link #save}; names and shapes must match. A
   * file of another format on the class path ({@link org.cnn4j.io.ModelFormat}: Keras' {@code
   * .weights.h5} with {@code cnn-keras}) loads as that format matches weights.
   */
  public void loadWeights(Path path) throws IOException {
    var other = org.cnn4j.io.ModelFormat.reading(path);
    if (other.isPresent()) {
      other.get().loadWeights(this, path);
      return;
    }
    ModelFiles.loadWeights(this, path);
  }

  // ---------------------------------------------------------------- training

  /**
   * Asks {@code fit} to stop: after the current batch, or at the end of the epoch if called there.
   */
  public void stopTraining() {
    training().stop();
  }

  /** Trains on {@code train}; returns the per-epoch loss and metrics. */
  public History fit(org.cnn4j.data.Dataset train, FitOptions options) {
    return guard.call(
        "fit",
        () -> {
          requireCompiled("fit");
          return training().fit(train, options);
        });
  }

  /**
   * One training step's gradient over part of a batch, without applying it: what {@link #fit} does
   * for each batch before the optimizer runs, for training that spreads a batch over several
   * machines. {@code rows} are rows {@code [firstRow, firstRow + rows.size())} of a batch of {@code
   * batchSize} rows: the loss gradient is scaled by 1 / {@code batchSize}, so the gradients of the
   * parts of a batch add up to the batch's, and random draws (dropout) are those of these rows of
   * the whole batch. The result is left in the trainable parameters' gradient buffers ({@link
   * #getGradients()}); no weight changes, except what layers track in training
   * (BatchNormalization's moving statistics, updated from these rows' statistics).
   *
   * <pre>{@code
   * // the same update as one fit step on a batch of 64, computed in two halves
   * long seed = FitOptions.stepSeed(0, epoch, step);
   * model.computeGradients(firstHalf, 0, 64, seed);
   * List<float[]> sum = model.getGradients();
   * model.computeGradients(secondHalf, 32, 64, seed);
   * // add model.getGradients() into sum, element by element
   * model.applyGradients(sum);
   * }</pre>
   *
   * @param seed the step's random seed; {@link FitOptions#stepSeed} gives fit's
   * @return the loss and metrics over these rows, named as fit's logs (the regularization penalty
   *     is not in the loss: {@link #applyGradients} returns it)
   * @throws IllegalArgumentException when the rows do not fit in the batch, or their shapes or
   *     labels do not fit the model
   */
  public Map<String, Double> computeGradients(
      org.cnn4j.data.Dataset rows, int firstRow, int batchSize, long seed) {
    return guard.call(
        "compute_gradients",
        () -> {
          requireCompiled("compute_gradients");
          return training().computeGradients(rows, firstRow, batchSize, seed);
        });
  }

  /**
   * Host copies of the trainable parameters' gradient buffers, in {@link #trainableParameters()}
   * order: what the last {@link #computeGradients} or fit step left there.
   */
  public List<float[]> getGradients() {
    return guard.call(
        "get_gradients",
        () -> {
          List<float[]> all = new ArrayList<>();
          for (Parameter p : trainableParameters()) {
            float[] g = new float[(int) p.shape().size()];
            backend.download(p.gradient().buffer(), 0, g, 0, g.length);
            all.add(g);
          }
          return all;
        });
  }

  /**
   * Finishes a training step from a gradient computed elsewhere, as {@link #fit} finishes each
   * step: sets the trainable parameters' gradients from {@code gradients} (host arrays in {@link
   * #trainableParameters()} order), adds the regularizers' gradients and runs the optimizer once
   * (Keras' {@code optimizer.apply_gradients} plus the layers' penalties).
   *
   * @return the regularization penalty, which fit adds to the step's loss (0 without regularizers)
   * @throws IllegalArgumentException when the count or a length does not match the weights
   */
  public double applyGradients(List<float[]> gradients) {
    return guard.call(
        "apply_gradients",
        () -> {
          requireCompiled("apply_gradients");
          return training().applyGradients(gradients);
        });
  }

  /** The loss and metrics on {@code data}, as Keras' {@code evaluate(..., return_dict=True)}. */
  public Map<String, Double> evaluate(org.cnn4j.data.Dataset data, int batchSize) {
    return guard.call(
        "evaluate",
        () -> {
          requireCompiled("evaluate");
          return training().evaluate(data, batchSize);
        });
  }

  /** {@link #evaluate(org.cnn4j.data.Dataset, int)} with batches of 32. */
  public Map<String, Double> evaluate(org.cnn4j.data.Dataset data) {
    return evaluate(data, 32);
  }

  /**
   * The model's output for every sample (probabilities for a softmax), with the model's class names
   * when it has them: {@code predict(data).values()} is Keras' array, {@code argmax()} and {@code
   * topK(k)} the classes.
   *
   * @throws IllegalStateException for a model with several outputs: use {@link #predictAll}
   */
  public Predictions predict(org.cnn4j.data.Dataset data, int batchSize) {
    if (graph.outputs().size() != 1) {
      throw new IllegalStateException(
          "Model '" + name() + "' has " + graph.outputs().size() + " outputs; use predictAll");
    }
    return new Predictions(predictAll(data, batchSize).get(0), data.size(), classNames);
  }

  /** {@link #predict(org.cnn4j.data.Dataset, int)} with batches of 32. */
  public Predictions predict(org.cnn4j.data.Dataset data) {
    return predict(data, 32);
  }

  /**
   * The output for one sample of the model's input shape, given as the model takes it (after any
   * preprocessing: {@link #predict(java.nio.file.Path)} applies the model's own).
   */
  public Predictions predict(float[] sample) {
    Shape in = inputShape();
    if (sample.length != in.size()) {
      throw new IllegalArgumentException(
          "Model '"
              + name()
              + "' takes samples of shape "
              + in.toBatchString()
              + " ("
              + in.size()
              + " values), got "
              + sample.length
              + " values");
    }
    org.cnn4j.data.ArrayDataset one =
        org.cnn4j.data.ArrayDataset.of(1).input(sample, in.dims()).target(new float[1], 1);
    return predict(one, 1);
  }

  /**
   * The output for one image file, decoded to the model's input size and channels (grey for 1, RGB
   * for 3; resized bilinearly) and scaled as {@link #inputScale} says: one call from a file to its
   * classes.
   */
  public Predictions predict(java.nio.file.Path image) {
    return predict(imageInput(image));
  }

  /**
   * An image file as this model's input: decoded to its input size and channels and scaled by
   * {@link #inputScale} and {@link #inputOffset} ({@code value * scale + offset}, values 0..255).
   */
  public float[] imageInput(java.nio.file.Path image) {
    Shape in = inputShape();
    if (in.rank() != 3 || (in.dim(2) != 1 && in.dim(2) != 3)) {
      throw new IllegalStateException(
          "Model '" + name() + "' takes " + in.toBatchString() + ", not images (h, w, 1 or 3)");
    }
    float[] x = new float[(int) in.size()];
    org.cnn4j.data.Images.decode(
        image,
        in.dim(2) == 1
            ? org.cnn4j.data.ImageFolder.ColorMode.GRAYSCALE
            : org.cnn4j.data.ImageFolder.ColorMode.RGB,
        in.dim(0),
        in.dim(1),
        x,
        0);
    for (int i = 0; i < x.length; i++) x[i] = x[i] * inputScale + inputOffset;
    return x;
  }

  /**
   * The scaling images take before this model, {@code value * scale + offset} on 0..255 pixels
   * (Keras' Rescaling): {@code cnn4j train} sets 1/255 for the data it scales so; model files keep
   * it. Default: scale 1, offset 0.
   */
  public Model inputScale(float scale, float offset) {
    if (!Float.isFinite(scale) || !Float.isFinite(offset)) {
      throw new IllegalArgumentException("input scale and offset must be finite");
    }
    this.inputScale = scale;
    this.inputOffset = offset;
    return this;
  }

  /** The scale of {@link #inputScale(float, float)}: 1 unless set. */
  public float inputScale() {
    return inputScale;
  }

  /** The offset of {@link #inputScale(float, float)}: 0 unless set. */
  public float inputOffset() {
    return inputOffset;
  }

  /**
   * Names for the columns of the (only) output, kept in model files and given to every {@link
   * Predictions}; null for none.
   */
  public Model classNames(List<String> names) {
    if (names != null && names.size() != outputShape().size()) {
      throw new IllegalArgumentException(
          names.size() + " class names for a model of " + outputShape().size() + " outputs");
    }
    this.classNames = names == null ? null : List.copyOf(names);
    return this;
  }

  /** The class names of the output's columns, or null. */
  public List<String> classNames() {
    return classNames;
  }

  /** Every output for every sample: one array {@code [size, output size]} per model output. */
  public List<float[]> predictAll(org.cnn4j.data.Dataset data, int batchSize) {
    return guard.call(
        "predict",
        () -> {
          return training().predict(data, batchSize);
        });
  }

  private synchronized Training training() {
    if (training == null) training = new Training(this, graph);
    return training;
  }

  /** Throws when the model was closed: a running operation calls it before each batch. */
  void checkOpen() {
    guard.check();
  }

  private void requireCompiled(String what) {
    if (heads.isEmpty() || optimizer == null) {
      throw new IllegalStateException(what + ": call compile(optimizer, loss, metrics...) first");
    }
  }

  /** Called by fit at the end of each epoch. */
  void epochDone(int epoch) {
    epochsTrained = epoch + 1;
  }

  /**
   * Makes this model close {@code resource} when it closes, after its own weights: the nested
   * models and the backend a model file or config built it with. Returns this model.
   */
  public Model closeWith(AutoCloseable resource) {
    closeWith.add(resource);
    return this;
  }

  /**
   * Frees what the model owns: its layers' weights, optimizer state, threads, the resources given
   * to {@link #closeWith}, and its hold on the shared backend (the last model's close closes it).
   * Idempotent. Another thread's fit, evaluate or predict on this model stops at its next batch
   * with an error saying the model is closed; the memory is freed once it has stopped.
   */
  @Override
  public void close() {
    guard.close(this::release);
  }

  private void release() {
    if (training != null) training.close();
    graph.close();
    ownLayers.forEach(Layer::close);
    if (optimizer != null) optimizer.close();
    RuntimeException failure = null;
    for (AutoCloseable c : closeWith) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) failure = new IllegalStateException("closing " + c, e);
      }
    }
    if (sharedBackend != null) sharedBackend.close();
    if (failure != null) throw failure;
  }
}
