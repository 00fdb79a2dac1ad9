package org.cnn4j.models;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.cnn4j.backends.Backends;
import org.cnn4j.backends.SharedBackend;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.data.Dataset;
import org.cnn4j.io.ModelFiles;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.SoftmaxOutput;
import org.cnn4j.losses.Loss;
import org.cnn4j.metrics.Metric;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.LossKind;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * A stack of layers, as Keras' {@code Sequential}: the first is an {@link Input} giving the sample
 * shape. Built on construction (shapes are checked there, with errors that name the layer), then
 * {@link #compile}d and {@link #fit}ted.
 *
 * <pre>{@code
 * try (var model = new Sequential(
 *     new Input(28, 28, 1),
 *     new Conv2D(16, 3, "relu"), new MaxPooling2D(2),
 *     new Flatten(), new Dense(10, "softmax"))) {
 *   model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
 *   model.fit(train, FitOptions.epochs(5).batchSize(32));
 * }
 * }</pre>
 *
 * <p>The model owns its parameters and optimizer state and frees them on {@link #close()}; a model
 * made without a backend lets go of the shared one, which the last such model's close closes. It
 * prints only {@link #summary()} and the progress line, to {@link #output(PrintStream)} (System.out
 * by default).
 */
public final class Sequential implements AutoCloseable {
  private final String name;
  private final List<Layer> layers = new ArrayList<>();
  private final Backend backend;
  private final SharedBackend sharedBackend;
  private final Shape inputShape;
  private final long seed;
  private Loss loss;
  private Optimizer optimizer;
  private final List<Metric> metrics = new ArrayList<>();
  private final List<String> metricNames = new ArrayList<>();
  private PrintStream out = System.out;
  private boolean stopTraining;
  private int epochsTrained;
  private Lanes lanes;
  private final UseGuard guard;

  /**
   * A model on the backend chosen by {@link Backends#shared()} (one instance per provider, shared
   * with the process's other models), initialised with seed 42.
   */
  public Sequential(Layer... stack) {
    this(Backends.shared(), 42L, stack);
  }

  /** As {@link #Sequential(Layer...)}, initialised with {@code seed}. */
  public Sequential(long seed, Layer... stack) {
    this(Backends.shared(), seed, stack);
  }

  /** A model on the given backend (which the caller keeps and closes). */
  public Sequential(Backend backend, long seed, Layer... stack) {
    this(backend, null, seed, stack);
  }

  private Sequential(SharedBackend shared, long seed, Layer... stack) {
    this(shared.backend(), shared, seed, stack);
  }

  private Sequential(Backend backend, SharedBackend sharedBackend, long seed, Layer... stack) {
    this.name = "sequential";
    this.guard = new UseGuard(name);
    this.backend = backend;
    this.sharedBackend = sharedBackend;
    this.seed = seed;
    if (stack.length == 0 || !(stack[0] instanceof Input input)) {
      closeBackendIfOwned();
      throw new IllegalArgumentException(
          "Sequential: the first layer must be an Input giving the sample shape, e.g. new Input(28, 28, 1)");
    }
    this.inputShape = input.shape();
    try {
      SplittableRandom random = new SplittableRandom(seed);
      Map<String, Integer> used = new HashMap<>();
      Shape shape = inputShape;
      for (Layer layer : Arrays.copyOfRange(stack, 1, stack.length)) {
        if (layer.name() == null) {
          String stem = layer.defaultNameStem();
          int k = used.merge(stem, 1, Integer::sum) - 1;
          layer.name(k == 0 ? stem : stem + "_" + k);
        }
        shape = layer.build(shape, backend, random);
        layers.add(layer);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public Backend backend() {
    return backend;
  }

  /** The seed the weights were initialised from; {@code fit} options keep their own seed. */
  public long seed() {
    return seed;
  }

  /** The layers after the Input. */
  public List<Layer> layers() {
    return List.copyOf(layers);
  }

  public Shape inputShape() {
    return inputShape;
  }

  public Shape outputShape() {
    return layers.isEmpty() ? inputShape : layers.get(layers.size() - 1).outputShape();
  }

  /** Where summary() and the progress line go. */
  public Sequential output(PrintStream stream) {
    this.out = stream;
    return this;
  }

  /** Where summary(), the progress line and callbacks' messages go. */
  public PrintStream output() {
    return out;
  }

  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    layers.forEach(l -> all.addAll(l.parameters()));
    return all;
  }

  // ---------------------------------------------------------------- compile and summary

  /** Sets the optimizer, loss and metrics ("accuracy", "top_k_categorical_accuracy"). */
  public void compile(Optimizer opt, Loss lossFn, String... metricNames) {
    if (optimizer != null) optimizer.close();
    this.optimizer = opt;
    this.loss = lossFn;
    metrics.clear();
    this.metricNames.clear();
    for (String m : metricNames) metrics.add(Metric.of(m));
    this.metricNames.addAll(List.of(metricNames));
  }

  /** Keras' string form: {@code compile("adam", "sparse_categorical_crossentropy", "accuracy")}. */
  public void compile(String opt, String lossName, String... metricNames) {
    compile(Optimizer.of(opt), Loss.of(lossName), metricNames);
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public Loss loss() {
    return loss;
  }

  /** The metric names given to {@link #compile}, as written there ("accuracy"). */
  public List<String> metricNames() {
    return List.copyOf(metricNames);
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
    try (var use = guard.enter("get_weights")) {
      return downloadWeights();
    }
  }

  private List<float[]> downloadWeights() {
    List<float[]> all = new ArrayList<>();
    for (Parameter p : parameters()) {
      float[] v = new float[(int) p.shape().size()];
      backend.download(p.value().buffer(), 0, v, 0, v.length);
      all.add(v);
    }
    return all;
  }

  /**
   * Sets every parameter's value from host arrays in {@link #parameters()} order (Keras'
   * set_weights).
   */
  public void setWeights(List<float[]> weights) {
    try (var use = guard.enter("set_weights")) {
      uploadWeights(weights);
    }
  }

  private void uploadWeights(List<float[]> weights) {
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
   * docs/MODEL_FORMAT.md), atomically: a failure leaves any previous file as it was.
   */
  public void save(Path path) throws IOException {
    ModelFiles.save(this, path);
  }

  /** Saves the weights only (names, shapes, values), atomically. */
  public void saveWeights(Path path) throws IOException {
    ModelFiles.saveWeights(this, path);
  }

  /** Loads weights saved by {@link #saveWeights} or {@link #save}; names and shapes must match. */
  public void loadWeights(Path path) throws IOException {
    ModelFiles.loadWeights(this, path);
  }

  /** Prints Keras 3's summary table. */
  public void summary() {
    SummaryTable.print(this, out);
  }

  // ---------------------------------------------------------------- training

  /**
   * Asks {@code fit} to stop: after the current batch, or at the end of the epoch if called there.
   */
  public void stopTraining() {
    this.stopTraining = true;
  }

  /** Trains on {@code train}; returns the per-epoch loss and metrics. */
  public History fit(Dataset train, FitOptions options) {
    try (var use = guard.enter("fit")) {
      return fitEpochs(train, options);
    }
  }

  private History fitEpochs(Dataset train, FitOptions options) {
    requireCompiled("fit");
    checkSamples(train, "training data");
    int count = train.size();
    Dataset validation = options.validationData;
    int trainCount = count;
    if (options.validationSplit > 0) {
      if (validation != null)
        throw new IllegalArgumentException("give validation_data or validation_split, not both");
      trainCount = (int) (count * (1 - options.validationSplit));
      if (trainCount < 1 || trainCount == count) {
        throw new IllegalArgumentException(
            "validation_split "
                + options.validationSplit
                + " of "
                + count
                + " samples leaves no training or no validation samples");
      }
    }
    if (validation != null) checkSamples(validation, "validation data");
    History history = new History();
    stopTraining = false;
    List<Callback> callbacks = options.callbacks;
    callbacks.forEach(c -> c.setModel(this));
    callbacks.forEach(Callback::onTrainBegin);
    int stepsPerEpoch = (trainCount + options.batchSize - 1) / options.batchSize;
    boolean interactive = System.console() != null && out == System.out;
    for (int epoch = options.initialEpoch; epoch < options.epochs && !stopTraining; epoch++) {
      final int e = epoch;
      callbacks.forEach(c -> c.onEpochBegin(e));
      if (options.verbose > 0) out.println("Epoch " + (epoch + 1) + "/" + options.epochs);
      // The order and the step seeds are functions of (seed, epoch, step), so a run resumed at
      // initialEpoch from a checkpoint takes the same steps as one that never stopped.
      int[] order =
          options.shuffle
              ? permutation(trainCount, new Random(mix(options.seed, epoch, -1)))
              : null;
      ProgressBar bar = new ProgressBar(out, stepsPerEpoch, options.verbose, interactive);
      Map<String, Double> logs =
          trainEpoch(
              train, order, trainCount, options.batchSize, bar, callbacks, options.seed, epoch);
      if (validation != null || options.validationSplit > 0) {
        Map<String, Double> val =
            validation != null
                ? run(validation, 0, validation.size(), options.batchSize, "validation data")
                : run(train, trainCount, count - trainCount, options.batchSize, "training data");
        val.forEach((k, v) -> logs.put("val_" + k, v));
      }
      bar.finish(logs);
      epochsTrained = epoch + 1;
      callbacks.forEach(c -> c.onEpochEnd(e, logs));
      history.record(
          logs); // after the callbacks, as Keras' History is the last one (they may add keys)
    }
    callbacks.forEach(Callback::onTrainEnd);
    return history;
  }

  private Map<String, Double> trainEpoch(
      Dataset data,
      int[] order,
      int count,
      int batchSize,
      ProgressBar bar,
      List<Callback> callbacks,
      long seed,
      int epoch) {
    List<Parameter> params = parameters();
    metrics.forEach(Metric::reset);
    double lossSum = 0;
    int batches = 0;
    Map<String, Double> running = new LinkedHashMap<>();
    List<Parameter> trainable = params.stream().filter(Parameter::trainable).toList();
    boolean split = layers.stream().allMatch(Layer::rowsIndependentInTraining);
    try (Batches it = new Batches(data, order, 0, count, batchSize, labelled("training data"))) {
      for (Batches.Batch next = it.next(); next != null; next = it.next()) {
        Batches.Batch b = next;
        long stepSeed = mix(seed, epoch, batches);
        float[] losses = new float[b.size()];
        float[] outputs =
            metrics.isEmpty() ? null : new float[b.size() * (int) outputShape().size()];
        lanes()
            .run(
                b.size(),
                split,
                trainable,
                (lane, first, rows, gradients) -> {
                  try (Step step = new Step(lane, true, stepSeed, first, gradients)) {
                    slicePass(step, b, first, rows, losses, outputs);
                  }
                });
        optimizer.apply(backend, params);
        updateMetrics(b, outputs);
        lossSum += mean(losses);
        batches++;
        running.put("loss", lossSum / batches);
        metrics.forEach(m -> running.put(m.name(), m.result()));
        bar.update(batches, running);
        int index = batches - 1;
        Map<String, Double> logs = Map.copyOf(running);
        callbacks.forEach(c -> c.onBatchEnd(index, logs));
        if (stopTraining) break;
      }
    }
    return running;
  }

  /**
   * Rows {@code [first, first + rows)} of batch {@code b} through the model and the loss on the
   * step's backend: the per-row losses and the outputs (logits when the softmax is fused into the
   * loss; when {@code outputs} is not null) land at those rows of the batch's arrays, and in
   * training the backward pass runs with the loss gradient scaled for the whole batch.
   */
  private void slicePass(
      Step step, Batches.Batch b, int first, int rows, float[] losses, float[] outputs) {
    Backend lane = step.backend();
    LossKind kind = lossKind();
    Tensor y = forward(step, input(step, b, first, rows), fusedKind() != null);
    int cols = (int) (y.size() / rows);
    int expectedLabels = kind.sparseTargets() ? 1 : cols;
    int labels = b.y().length / b.size();
    if (b.y().length != b.size() * expectedLabels) {
      throw new IllegalArgumentException(
          "loss "
              + loss.name()
              + " expects "
              + (kind.sparseTargets()
                  ? "one class index per sample"
                  : cols + " target values per sample (one-hot)")
              + ", but the data has "
              + labels
              + " per sample");
    }
    Tensor target = step.allocate(Shape.of(rows * labels), false);
    lane.upload(b.y(), first * labels, target.buffer(), 0, rows * labels);
    Tensor perRow = step.allocate(Shape.of(rows), false);
    Tensor grad = step.training() ? step.allocate(y.shape(), false) : null;
    lane.loss(
        kind,
        y.buffer(),
        target.buffer(),
        rows,
        cols,
        perRow.buffer(),
        grad == null ? null : grad.buffer(),
        1f / b.size());
    lane.download(perRow.buffer(), 0, losses, first, rows);
    if (outputs != null) lane.download(y.buffer(), 0, outputs, first * cols, rows * cols);
    if (step.training()) step.backward(y, grad);
  }

  private void updateMetrics(Batches.Batch b, float[] outputs) {
    if (outputs == null) return;
    boolean sparse = lossKind().sparseTargets();
    for (Metric m : metrics) m.update(outputs, b.y(), b.size(), outputs.length / b.size(), sparse);
  }

  /**
   * What the backend computes: the loss on the logits when {@link #fusedKind()} says so, else the
   * loss.
   */
  private LossKind lossKind() {
    LossKind fused = fusedKind();
    return fused != null ? fused : loss.kind();
  }

  /** The loss on the logits when the model ends in a softmax the loss can take over, else null. */
  private LossKind fusedKind() {
    boolean fuse =
        loss.kindOnSoftmaxLogits() != null
            && !layers.isEmpty()
            && layers.get(layers.size() - 1) instanceof SoftmaxOutput s
            && s.endsInSoftmax();
    return fuse ? loss.kindOnSoftmaxLogits() : null;
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) sum += v;
    return sum / values.length;
  }

  /** Rows {@code [first, first + rows)} of the batch's samples, uploaded to the step's backend. */
  private Tensor input(Step step, Batches.Batch b, int first, int rows) {
    int sample = (int) inputShape.size();
    Tensor x = step.allocate(inputShape.withBatch(rows), false);
    step.backend().upload(b.x(), first * sample, x.buffer(), 0, rows * sample);
    return x;
  }

  private Tensor forward(Step step, Tensor x, boolean logits) {
    Tensor y = x;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      boolean last = i == layers.size() - 1;
      y = last && logits ? ((SoftmaxOutput) layer).forwardLogits(step, y) : layer.forward(step, y);
    }
    return y;
  }

  /** The batch-splitting helper, made on first use (the backend's lanes and their threads). */
  private Lanes lanes() {
    guard.check();
    if (lanes == null) lanes = new Lanes(backend);
    return lanes;
  }

  // ---------------------------------------------------------------- evaluation and prediction

  /** The loss and metrics on {@code data}, as Keras' {@code evaluate(..., return_dict=True)}. */
  public Map<String, Double> evaluate(Dataset data, int batchSize) {
    try (var use = guard.enter("evaluate")) {
      requireCompiled("evaluate");
      checkSamples(data, "evaluation data");
      return run(data, 0, data.size(), batchSize, "evaluation data");
    }
  }

  public Map<String, Double> evaluate(Dataset data) {
    return evaluate(data, 32);
  }

  /** The loss and metrics on samples {@code [offset, offset + count)} of {@code data}. */
  private Map<String, Double> run(Dataset data, int offset, int count, int batchSize, String what) {
    metrics.forEach(Metric::reset);
    double lossSum = 0;
    try (Batches it = new Batches(data, null, offset, count, batchSize, labelled(what))) {
      for (Batches.Batch next = it.next(); next != null; next = it.next()) {
        Batches.Batch b = next;
        float[] losses = new float[b.size()];
        float[] outputs =
            metrics.isEmpty() ? null : new float[b.size() * (int) outputShape().size()];
        lanes()
            .run(
                b.size(),
                true,
                List.of(),
                (lane, first, rows, gradients) -> {
                  try (Step step = new Step(lane, false, 0, first, gradients)) {
                    slicePass(step, b, first, rows, losses, outputs);
                  }
                });
        updateMetrics(b, outputs);
        lossSum += mean(losses) * b.size();
      }
    }
    Map<String, Double> result = new LinkedHashMap<>();
    result.put("loss", lossSum / count);
    metrics.forEach(m -> result.put(m.name(), m.result()));
    return result;
  }

  /**
   * The model's outputs for every sample, {@code [size, outputs]} row-major (probabilities for a
   * softmax).
   */
  public float[] predict(Dataset data, int batchSize) {
    try (var use = guard.enter("predict")) {
      return predictBatches(data, batchSize);
    }
  }

  private float[] predictBatches(Dataset data, int batchSize) {
    checkSamples(data, "prediction data");
    int outputs = (int) outputShape().size();
    float[] result =
        HostArrays.floats(
            (long) data.size() * outputs,
            "predict's result for " + data.size() + " samples of " + outputs + " outputs",
            "predict the data in parts");
    int row = 0;
    try (Batches it =
        new Batches(
            data, null, 0, data.size(), batchSize, SampleChecks.inputs("prediction data"))) {
      for (Batches.Batch next = it.next(); next != null; next = it.next()) {
        Batches.Batch b = next;
        int batchStart = row;
        lanes()
            .run(
                b.size(),
                true,
                List.of(),
                (lane, first, rows, gradients) -> {
                  try (Step step = new Step(lane, false, 0, first, gradients)) {
                    Tensor y = forward(step, input(step, b, first, rows), false);
                    lane.download(
                        y.buffer(), 0, result, (batchStart + first) * outputs, rows * outputs);
                  }
                });
        row += b.size();
      }
    }
    return result;
  }

  public float[] predict(Dataset data) {
    return predict(data, 32);
  }

  /** Checks of inputs and labels: class indices for a sparse loss. */
  private SampleChecks labelled(String what) {
    int classes = lossKind().sparseTargets() ? (int) outputShape().size() : 0;
    return SampleChecks.inputsAndLabels(what, classes);
  }

  private void requireCompiled(String what) {
    if (loss == null || optimizer == null) {
      throw new IllegalStateException(what + ": call compile(optimizer, loss, metrics...) first");
    }
  }

  private void checkSamples(Dataset data, String what) {
    Shape got = Shape.of(data.sampleShape());
    if (!got.equals(inputShape)) {
      throw new IllegalArgumentException(
          "Input of model '"
              + name
              + "': "
              + what
              + " has samples of shape "
              + got.toBatchString()
              + ", but the model expects "
              + inputShape.toBatchString());
    }
    if (data.size() < 1) throw new IllegalArgumentException(what + " holds no samples");
  }

  /** A well-mixed 64-bit seed from (fit seed, epoch, step); step -1 is the epoch's shuffle. */
  private static long mix(long seed, int epoch, int step) {
    long h = seed;
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL + epoch;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L + step;
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    return h ^ (h >>> 33);
  }

  private static int[] permutation(int n, Random random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * Frees the model's memory (and lets go of the shared backend it was made on). Idempotent.
   * Another thread's fit, evaluate or predict on this model stops at its next batch with an error
   * saying the model is closed; the memory is freed once it has stopped.
   */
  @Override
  public void close() {
    guard.close(this::release);
  }

  private void release() {
    if (lanes != null) lanes.close();
    layers.forEach(Layer::close);
    if (optimizer != null) optimizer.close();
    closeBackendIfOwned();
  }

  private void closeBackendIfOwned() {
    if (sharedBackend != null) sharedBackend.close();
  }
}
