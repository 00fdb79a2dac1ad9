package org.cnn4j.models;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.data.Dataset;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.metrics.Metric;
import org.cnn4j.regularizers.Regularizer;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * The loops behind a model's {@code fit}, {@code evaluate} and {@code predict}: batches from the
 * data set, each split across the backend's lanes, the graph forward, every output's loss and
 * metrics, the backward pass, regularization and the optimizer step, the progress line and the
 * callbacks.
 */
final class Training implements AutoCloseable {
  private final Model model;
  private final Graph graph;
  private Lanes lanes;
  private volatile boolean stopTraining;

  Training(Model model, Graph graph) {
    this.model = model;
    this.graph = graph;
  }

  void stop() {
    stopTraining = true;
  }

  /** The batch-splitting helper, made on first use (the backend's lanes and their threads). */
  private Lanes lanes() {
    model.checkOpen();
    if (lanes == null) lanes = new Lanes(model.backend());
    return lanes;
  }

  /** Checks of inputs and labels: class indices for each output with a sparse loss. */
  private SampleChecks labelled(String what) {
    List<Head> heads = model.heads();
    int[] classes = new int[heads.size()];
    for (Head h : heads) {
      classes[h.index()] = h.sparse() ? (int) graph.outputs().get(h.index()).shape().size() : 0;
    }
    return SampleChecks.inputsAndLabels(what, classes);
  }

  // ---------------------------------------------------------------- fit

  History fit(Dataset train, FitOptions options) {
    checkSamples(train, "training data", true);
    int count = train.size();
    Dataset validation = options.validationData;
    int trainCount = count;
    if (options.validationSplit > 0) {
      if (validation != null) {
        throw new IllegalArgumentException("give validation_data or validation_split, not both");
      }
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
    if (validation != null) checkSamples(validation, "validation data", true);
    History history = new History();
    stopTraining = false;
    PrintStream out = model.printStream();
    List<Callback> callbacks = options.callbacks;
    callbacks.forEach(c -> c.setModel(model));
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
          trainEpoch(train, order, trainCount, options, bar, callbacks, epoch);
      if (validation != null || options.validationSplit > 0) {
        Map<String, Double> val =
            validation != null
                ? run(validation, 0, validation.size(), options.batchSize, "validation data")
                : run(train, trainCount, count - trainCount, options.batchSize, "training data");
        val.forEach((k, v) -> logs.put("val_" + k, v));
      }
      bar.finish(logs);
      model.epochDone(epoch);
      callbacks.forEach(c -> c.onEpochEnd(e, logs));
      // After the callbacks, as Keras' History is the last one (they may add keys).
      history.record(logs);
    }
    callbacks.forEach(Callback::onTrainEnd);
    return history;
  }

  private Map<String, Double> trainEpoch(
      Dataset data,
      int[] order,
      int count,
      FitOptions options,
      ProgressBar bar,
      List<Callback> callbacks,
      int epoch) {
    // Sizes change between training and validation or prediction: see startAllocationPhase.
    model.backend().startAllocationPhase();
    int batchSize = options.batchSize;
    long seed = options.seed;
    if (options.sampleWeights != null && options.sampleWeights.length != data.size()) {
      throw new IllegalArgumentException(
          "sample_weight holds "
              + options.sampleWeights.length
              + " weights for "
              + data.size()
              + " samples; give one per sample");
    }
    model.backend().startAllocationPhase();
    List<Head> heads = model.heads();
    heads.forEach(h -> h.metrics().forEach(Metric::reset));
    Totals totals = new Totals(heads);
    Map<String, Double> running = new LinkedHashMap<>();
    List<Parameter> trainable = model.trainableParameters();
    Map<Parameter, Regularizer> penalties = model.regularizers();
    Set<Parameter> training =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    training.addAll(trainable);
    boolean split = model.rowsIndependentInTraining();
    try (Batches it = new Batches(data, order, 0, count, batchSize, labelled("training data"))) {
      int batches = 0;
      for (Batches.Batch next = it.next(); next != null; next = it.next()) {
        Batches.Batch b = next;
        long stepSeed = mix(seed, epoch, batches);
        PassResults results = new PassResults(heads, b.size(), outputSizes());
        results.rowWeights = rowWeights(options, b);
        lanes()
            .run(
                b.size(),
                split,
                trainable,
                (lane, first, rows, gradients) -> {
                  try (Step step = new Step(lane, true, stepSeed, first, gradients)) {
                    slicePass(step, b, first, rows, b.size(), results);
                  }
                });
        double penalty = update(trainable, penalties, training);
        results.updateMetrics(b);
        totals.add(results, b.size(), penalty);
        batches++;
        totals.fill(running, heads, false);
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
   * The end of a training step, once the parameters' gradient buffers hold the batch's gradient:
   * the regularizers' gradients added in, then the optimizer's update. Returns the penalty, which
   * Keras adds to the loss for every layer, frozen or not; only weights that train take its
   * gradient.
   */
  private double update(
      List<Parameter> trainable, Map<Parameter, Regularizer> penalties, Set<Parameter> training) {
    Backend backend = model.backend();
    double penalty = 0;
    for (var entry : penalties.entrySet()) {
      Parameter p = entry.getKey();
      var grad = training.contains(p) ? p.gradient().buffer() : null;
      penalty += entry.getValue().apply(backend, p.value().buffer(), grad, p.shape().size());
    }
    model.optimizer().apply(backend, trainable);
    return penalty;
  }

  // ---------------------------------------------------------------- a step in parts

  /**
   * Rows {@code [firstRow, firstRow + rows.size())} of a batch of {@code batchSize} rows through a
   * training pass: their share of the batch's gradient in the trainable parameters' gradient
   * buffers, nothing applied. Returns their loss and metrics.
   */
  Map<String, Double> computeGradients(Dataset rows, int firstRow, int batchSize, long seed) {
    checkSamples(rows, "training data", true);
    if (firstRow < 0 || batchSize < 1 || (long) firstRow + rows.size() > batchSize) {
      throw new IllegalArgumentException(
          "rows ["
              + firstRow
              + ", "
              + ((long) firstRow + rows.size())
              + ") are not rows of a batch of "
              + batchSize);
    }
    List<Head> heads = model.heads();
    heads.forEach(h -> h.metrics().forEach(Metric::reset));
    Totals totals = new Totals(heads);
    List<Parameter> trainable = model.trainableParameters();
    boolean split = model.rowsIndependentInTraining();
    int count = rows.size();
    try (Batches it = new Batches(rows, null, 0, count, count, labelled("training data"))) {
      Batches.Batch b = it.next();
      PassResults results = new PassResults(heads, b.size(), outputSizes());
      lanes()
          .run(
              b.size(),
              split,
              trainable,
              (lane, first, n, gradients) -> {
                try (Step step = new Step(lane, true, seed, firstRow + first, gradients)) {
                  slicePass(step, b, first, n, batchSize, results);
                }
              });
      results.updateMetrics(b);
      totals.add(results, b.size(), 0);
    }
    Map<String, Double> logs = new LinkedHashMap<>();
    totals.fill(logs, heads, false);
    return logs;
  }

  /**
   * Sets the trainable parameters' gradients from host arrays and finishes the step as fit does.
   */
  double applyGradients(List<float[]> gradients) {
    List<Parameter> trainable = model.trainableParameters();
    if (gradients.size() != trainable.size()) {
      throw new IllegalArgumentException(
          "apply_gradients: the model has "
              + trainable.size()
              + " trainable weights, got "
              + gradients.size()
              + " gradients");
    }
    for (int i = 0; i < trainable.size(); i++) {
      Parameter p = trainable.get(i);
      if (gradients.get(i).length != p.shape().size()) {
        throw new IllegalArgumentException(
            "apply_gradients: "
                + p.name()
                + " of shape "
                + p.shape()
                + " holds "
                + p.shape().size()
                + " values, got a gradient of "
                + gradients.get(i).length);
      }
    }
    Backend backend = model.backend();
    for (int i = 0; i < trainable.size(); i++) {
      float[] g = gradients.get(i);
      backend.upload(g, 0, trainable.get(i).gradient().buffer(), 0, g.length);
    }
    Set<Parameter> training =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    training.addAll(trainable);
    return update(trainable, model.regularizers(), training);
  }

  private int[] outputSizes() {
    return graph.outputs().stream().mapToInt(t -> (int) t.shape().size()).toArray();
  }

  /**
   * Rows {@code [first, first + rows)} of batch {@code b} through the graph and every output's loss
   * on the step's backend: per-row losses and outputs (logits where the softmax is fused into the
   * loss) land at those rows of {@code results}, and in training the backward pass runs with each
   * loss gradient scaled by its weight over {@code batchRows}, the rows of the whole batch (more
   * than {@code b}'s when {@code b} is a part of it).
   */
  private void slicePass(
      Step step, Batches.Batch b, int first, int rows, int batchRows, PassResults results) {
    Backend lane = step.backend();
    List<Head> heads = model.heads();
    List<Tensor> ys = graph.run(step, inputs(step, b, first, rows), results.fusedNodes);
    List<Tensor> seeded = new ArrayList<>(heads.size());
    List<Tensor> grads = new ArrayList<>(heads.size());
    float[] weights = results.rowWeights;
    for (Head h : heads) {
      Tensor y = ys.get(h.index());
      int cols = (int) (y.size() / rows);
      float[] labels = b.ys()[h.index()];
      int labelSize = labels.length / b.size();
      float scale = (float) (h.weight() / batchRows);
      if (h.custom()) {
        // A loss written with ops: per-row losses through the tape, seeded with the mean's
        // gradient (times each row's weight).
        Tensor target = step.allocate(Shape.of(rows, labelSize), false);
        lane.upload(labels, first * labelSize, target.buffer(), 0, rows * labelSize);
        Tensor perRow = perSample(h, h.loss().function().apply(target, y), rows);
        lane.download(perRow.buffer(), 0, results.losses[h.index()], first, rows);
        if (step.training()) {
          float[] seed = new float[rows];
          for (int r = 0; r < rows; r++)
            seed[r] = scale * (weights == null ? 1f : weights[first + r]);
          Tensor g = step.allocate(Shape.of(rows), false);
          lane.upload(seed, 0, g.buffer(), 0, rows);
          seeded.add(perRow);
          grads.add(g);
        }
      } else {
        int expected = h.sparse() ? 1 : cols;
        if (labelSize != expected || labels.length % b.size() != 0) {
          throw new IllegalArgumentException(
              "loss "
                  + h.loss().name()
                  + (heads.size() > 1 ? " of output '" + h.name() + "'" : "")
                  + " expects "
                  + (h.sparse()
                      ? "one class index per sample"
                      : cols + " target values per sample (one-hot)")
                  + ", but the data has "
                  + labelSize
                  + " per sample");
        }
        Tensor target = step.allocate(Shape.of(rows * expected), false);
        lane.upload(labels, first * expected, target.buffer(), 0, rows * expected);
        Tensor perRow = step.allocate(Shape.of(rows), false);
        Tensor grad = step.training() ? step.allocate(y.shape(), false) : null;
        lane.loss(
            h.kind(),
            y.buffer(),
            target.buffer(),
            rows,
            cols,
            perRow.buffer(),
            grad == null ? null : grad.buffer(),
            scale);
        lane.download(perRow.buffer(), 0, results.losses[h.index()], first, rows);
        if (grad != null) {
          seeded.add(y);
          grads.add(weights == null ? grad : weighRows(step, grad, weights, first, rows, cols));
        }
      }
      float[] outputs = results.outputs[h.index()];
      if (outputs != null) lane.download(y.buffer(), 0, outputs, first * cols, rows * cols);
    }
    if (step.training()) step.backward(seeded, grads);
  }

  /**
   * Each row's weight from the sample and class weights (null when there are none), the classes
   * read from the first output's targets: a class index, or a one-hot row's largest entry.
   */
  private static float[] rowWeights(FitOptions options, Batches.Batch b) {
    if (options.sampleWeights == null && options.classWeights == null) return null;
    float[] w = new float[b.size()];
    float[] y = b.ys()[0];
    int labelSize = y.length / b.size();
    for (int r = 0; r < b.size(); r++) {
      double v = options.sampleWeights == null ? 1 : options.sampleWeights[b.indices()[r]];
      if (options.classWeights != null) {
        int cls = 0;
        if (labelSize == 1) cls = (int) y[r];
        else {
          for (int j = 1; j < labelSize; j++) {
            if (y[r * labelSize + j] > y[r * labelSize + cls]) cls = j;
          }
        }
        v *= options.classWeights.getOrDefault(cls, 1.0);
      }
      w[r] = (float) v;
    }
    return w;
  }

  /** A custom loss's result as one value per row: the mean over any axes after the batch's. */
  private static Tensor perSample(Head h, Tensor losses, int rows) {
    if (losses == null || losses.shape().rank() < 1 || losses.shape().dim(0) != rows) {
      throw new IllegalArgumentException(
          "loss "
              + h.loss().name()
              + " must give per-sample losses with the batch axis first ("
              + rows
              + ", ...), got "
              + (losses == null ? "null" : losses.shape()));
    }
    if (losses.shape().rank() == 1) return losses;
    int[] rest = new int[losses.shape().rank() - 1];
    for (int i = 0; i < rest.length; i++) rest[i] = i + 1;
    return org.cnn4j.ops.Ops.mean(losses, false, rest);
  }

  /** The loss gradient with row r scaled by the batch's weight of that row. */
  private static Tensor weighRows(
      Step step, Tensor grad, float[] weights, int first, int rows, int cols) {
    Backend lane = step.backend();
    Tensor w = step.allocate(Shape.of(rows), false);
    lane.upload(weights, first, w.buffer(), 0, rows);
    Tensor out = step.allocate(grad.shape(), false);
    lane.binaryBroadcast(
        org.cnn4j.spi.BinaryOp.MUL,
        grad.buffer(),
        org.cnn4j.spi.StridedView.contiguous(rows, cols),
        w.buffer(),
        new org.cnn4j.spi.StridedView(0, new int[] {rows, cols}, new long[] {1, 0}),
        out.buffer(),
        0);
    return out;
  }

  /** Rows {@code [first, first + rows)} of the batch's inputs, uploaded to the step's backend. */
  private List<Tensor> inputs(Step step, Batches.Batch b, int first, int rows) {
    List<Tensor> xs = new ArrayList<>(graph.inputs().size());
    for (int i = 0; i < graph.inputs().size(); i++) {
      Shape shape = graph.inputs().get(i).shape();
      int sample = (int) shape.size();
      Tensor x = step.allocate(shape.withBatch(rows), false);
      step.backend().upload(b.xs()[i], first * sample, x.buffer(), 0, rows * sample);
      xs.add(x);
    }
    return xs;
  }

  // ---------------------------------------------------------------- evaluate and predict

  Map<String, Double> evaluate(Dataset data, int batchSize) {
    checkSamples(data, "evaluation data", true);
    return run(data, 0, data.size(), batchSize, "evaluation data");
  }

  private Map<String, Double> run(Dataset data, int offset, int count, int batchSize, String what) {
    List<Head> heads = model.heads();
    heads.forEach(h -> h.metrics().forEach(Metric::reset));
    Totals totals = new Totals(heads);
    try (Batches it = new Batches(data, null, offset, count, batchSize, labelled(what))) {
      for (Batches.Batch next = it.next(); next != null; next = it.next()) {
        Batches.Batch b = next;
        PassResults results = new PassResults(heads, b.size(), outputSizes());
        lanes()
            .run(
                b.size(),
                true,
                List.of(),
                (lane, first, rows, gradients) -> {
                  try (Step step = new Step(lane, false, 0, first, gradients)) {
                    slicePass(step, b, first, rows, b.size(), results);
                  }
                });
        results.updateMetrics(b);
        totals.add(results, b.size(), 0);
      }
    }
    Map<String, Double> result = new LinkedHashMap<>();
    totals.fill(result, heads, true);
    return result;
  }

  List<float[]> predict(Dataset data, int batchSize) {
    checkSamples(data, "prediction data", false);
    model.backend().startAllocationPhase();
    List<SymbolicTensor> outs = graph.outputs();
    int[] sizes = outs.stream().mapToInt(t -> (int) t.shape().size()).toArray();
    List<float[]> result = new ArrayList<>();
    for (int size : sizes) {
      result.add(
          HostArrays.floats(
              (long) data.size() * size,
              "predict's result for " + data.size() + " samples of " + size + " outputs",
              "predict the data in parts"));
    }
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
                    List<Tensor> ys = graph.run(step, inputs(step, b, first, rows), Set.of());
                    for (int o = 0; o < ys.size(); o++) {
                      lane.download(
                          ys.get(o).buffer(),
                          0,
                          result.get(o),
                          (batchStart + first) * sizes[o],
                          rows * sizes[o]);
                    }
                  }
                });
        row += b.size();
      }
    }
    return result;
  }

  private void checkSamples(Dataset data, String what, boolean targets) {
    List<SymbolicTensor> ins = graph.inputs();
    if (data.inputCount() != ins.size()) {
      throw new IllegalArgumentException(
          "Model '"
              + model.name()
              + "' has "
              + ins.size()
              + " inputs, but the "
              + what
              + " has "
              + data.inputCount());
    }
    for (int i = 0; i < ins.size(); i++) {
      Shape got = Shape.of(data.sampleShape(i));
      Shape want = ins.get(i).shape();
      if (!got.equals(want)) {
        throw new IllegalArgumentException(
            "Input "
                + (ins.size() > 1 ? "'" + ins.get(i).layer().name() + "' " : "")
                + "of model '"
                + model.name()
                + "': "
                + what
                + " has samples of shape "
                + got.toBatchString()
                + ", but the model expects "
                + want.toBatchString());
      }
    }
    if (targets && data.targetCount() != graph.outputs().size()) {
      throw new IllegalArgumentException(
          "Model '"
              + model.name()
              + "' has "
              + graph.outputs().size()
              + " outputs, but the "
              + what
              + " has "
              + data.targetCount()
              + " targets");
    }
    if (data.size() < 1) throw new IllegalArgumentException(what + " holds no samples");
  }

  // ---------------------------------------------------------------- results of passes

  /** One batch's per-row losses and, for outputs with metrics, outputs; lanes fill their rows. */
  private static final class PassResults {
    final float[][] losses;
    final float[][] outputs;
    final List<Head> heads;
    final Set<Node> fusedNodes;

    /** Each row's weight (sample and class weights), or null when all weigh 1. */
    float[] rowWeights;

    /** For a batch of {@code rows}; {@code sizes[o]} is output o's size per sample. */
    PassResults(List<Head> heads, int rows, int[] sizes) {
      this.heads = heads;
      losses = new float[heads.size()][rows];
      outputs = new float[heads.size()][];
      Set<Node> fused = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      for (Head h : heads) {
        if (!h.metrics().isEmpty()) outputs[h.index()] = new float[rows * sizes[h.index()]];
        if (h.fusedNode() != null) fused.add(h.fusedNode());
      }
      this.fusedNodes = fused;
    }

    void updateMetrics(Batches.Batch b) {
      for (Head h : heads) {
        float[] out = outputs[h.index()];
        if (out == null) continue;
        int cols = out.length / b.size();
        int labelSize = b.ys()[h.index()].length / b.size();
        // A custom loss says nothing about its targets: class indices when one value per sample.
        boolean sparse = h.custom() ? labelSize == 1 && cols > 1 : h.sparse();
        for (Metric m : h.metrics()) m.update(out, b.ys()[h.index()], b.size(), cols, sparse);
      }
    }
  }

  /** Running sums over an epoch's batches: losses per output, their weighted total, penalties. */
  private static final class Totals {
    final double[] lossSums;
    double totalSum;
    long samples;

    Totals(List<Head> heads) {
      lossSums = new double[heads.size()];
    }

    void add(PassResults r, int rows, double penalty) {
      double total = penalty * rows;
      for (int h = 0; h < lossSums.length; h++) {
        double sum = 0;
        float[] losses = r.losses[h];
        for (int i = 0; i < losses.length; i++) {
          sum += r.rowWeights == null ? losses[i] : (double) r.rowWeights[i] * losses[i];
        }
        lossSums[h] += sum;
        total += r.heads.get(h).weight() * sum;
      }
      totalSum += total;
      samples += rows;
    }

    /** Keras' logs: "loss", then per output "name_loss" (several outputs), then the metrics. */
    void fill(Map<String, Double> logs, List<Head> heads, boolean evaluation) {
      logs.put("loss", totalSum / samples);
      boolean several = heads.size() > 1;
      if (several) {
        for (Head h : heads) logs.put(h.name() + "_loss", lossSums[h.index()] / samples);
      }
      for (Head h : heads) {
        for (Metric m : h.metrics())
          logs.put(several ? h.name() + "_" + m.name() : m.name(), m.result());
      }
    }
  }

  // ---------------------------------------------------------------- seeds and orders

  /** A well-mixed 64-bit seed from (fit seed, epoch, step); step -1 is the epoch's shuffle. */
  static long mix(long seed, int epoch, int step) {
    long h = seed;
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL + epoch;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L + step;
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    return h ^ (h >>> 33);
  }

  static int[] permutation(int n, Random random) {
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

  @Override
  public void close() {
    if (lanes != null) lanes.close();
  }
}
