package org.cnn4j.callbacks;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.layers.Layer;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.tensor.Parameter;

/**
 * Keras' {@code TensorBoard} callback: writes event files that TensorBoard ({@code tensorboard
 * --logdir logs}) reads, in the layout and under the names Keras 3 with TensorFlow writes.
 *
 * <pre>{@code
 * model.fit(train, FitOptions.epochs(10).validationSplit(0.1)
 *     .callbacks(new TensorBoard(Path.of("logs")).histogramFreq(1)));
 * }</pre>
 *
 * <p>What it writes:
 *
 * <ul>
 *   <li>{@code log_dir/train}: at each epoch's end, {@code epoch_<key>} for every log key without
 *       the "val_" prefix ({@code epoch_loss}, {@code epoch_accuracy}, ...) and {@code
 *       epoch_learning_rate} (the optimizer's rate, as its schedule gives it at the current step),
 *       at step = epoch (0-based). With {@code write_steps_per_second}, {@code
 *       epoch_steps_per_second}.
 *   <li>{@code log_dir/validation}: the "val_" keys without their prefix ({@code epoch_loss}, ...)
 *       at step = epoch, and {@code evaluation_<key>_vs_iterations} at step = the optimizer's
 *       iterations, as Keras' {@code on_test_end} writes during fit's validation.
 *   <li>With {@code update_freq} a number n of batches: {@code batch_<key>} every n training
 *       batches into {@code train}, at step = batches trained since {@code fit} began (1-based),
 *       with each key's running value over the epoch (the progress line's), and {@code
 *       batch_steps_per_second} with {@code write_steps_per_second}.
 *   <li>Every {@code histogram_freq} epochs (from epoch 0): a histogram of each weight, tagged
 *       {@code <layer>/<weight>/histogram} ({@code conv2d/kernel/histogram}; a nested model's
 *       layers as {@code <model>/<layer>/<weight>}), and with {@code write_images} the weight as
 *       images, tagged {@code <layer>/<weight>/image}, shaped as Keras shapes them (see {@code
 *       KernelImages}: a convolution kernel's output channels as grey images, at most three).
 * </ul>
 *
 * <p>Values are written as TensorFlow 2's {@code tf.summary} writes them: scalars as float32
 * tensors for the "scalars" plugin, histograms as {@code [30, 3]} float64 tensors of bucket edges
 * and counts, images as PNGs. Each run's file is named {@code
 * events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2} and is made on its first event, a new one for
 * every {@code fit}.
 *
 * <p>Events are appended at every epoch's end (and at each batch-level write), and the file is
 * closed again after each append: when {@code fit} throws, every finished epoch is on disk and no
 * file stays open, without the {@code onTrainEnd} that Keras' callbacks then do not get either.
 *
 * <p>Of Keras' arguments, {@code write_graph} is accepted and writes nothing: Keras writes the
 * model's Keras JSON for TensorBoard's conceptual graph, which cnn4j writes only in {@code
 * cnn-keras}. Profiling ({@code profile_batch}) and embeddings ({@code embeddings_freq}) are not
 * offered.
 */
public final class TensorBoard implements Callback {
  private final Path logDir;
  private int histogramFreq;
  private boolean writeGraph = true;
  private boolean writeImages;
  private boolean writeStepsPerSecond;

  /** Batches between batch-level writes; 0 for "epoch" (none). */
  private int updateFreq;

  private Model model;
  private EventFile train;
  private EventFile validation;
  private long globalBatch;
  private int epochBatches;
  private long epochStart;
  private long lastBatchEnd;

  /** Logs under "logs" in the working directory, as Keras' default. */
  public TensorBoard() {
    this(Path.of("logs"));
  }

  /**
   * Logs under {@code logDir}: the runs go to its {@code train} and {@code validation}
   * subdirectories. No other callback should write there.
   */
  public TensorBoard(Path logDir) {
    this.logDir = logDir;
  }

  /** The directory holding the {@code train} and {@code validation} runs. */
  public Path logDir() {
    return logDir;
  }

  /**
   * Epochs between weight histograms (and images): epoch 0, n, 2n, ...; 0 (the default) writes
   * none.
   *
   * @throws IllegalArgumentException for a negative number
   */
  public TensorBoard histogramFreq(int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException(
          "TensorBoard: histogram_freq must be >= 0 (0 writes no histograms), got " + epochs);
    }
    this.histogramFreq = epochs;
    return this;
  }

  /**
   * Keras' {@code write_graph} (default true): accepted, but no graph is written (see the class
   * comment).
   */
  public TensorBoard writeGraph(boolean on) {
    this.writeGraph = on;
    return this;
  }

  /**
   * Whether to write each weight as images alongside its histogram (default false); as in Keras,
   * only in the epochs that {@link #histogramFreq} chooses.
   */
  public TensorBoard writeImages(boolean on) {
    this.writeImages = on;
    return this;
  }

  /** Whether to log training steps per second at the epoch (and batch) level (default false). */
  public TensorBoard writeStepsPerSecond(boolean on) {
    this.writeStepsPerSecond = on;
    return this;
  }

  /**
   * "epoch" (the default) writes the logs at each epoch's end only; "batch" also every batch, as
   * {@code updateFreq(1)}.
   *
   * @throws IllegalArgumentException for any other word, naming the allowed ones
   */
  public TensorBoard updateFreq(String frequency) {
    this.updateFreq =
        switch (frequency.toLowerCase(Locale.ROOT)) {
          case "epoch" -> 0;
          case "batch" -> 1;
          default ->
              throw new IllegalArgumentException(
                  "TensorBoard: update_freq must be \"epoch\", \"batch\" or a number of batches, got \""
                      + frequency
                      + "\"");
        };
    return this;
  }

  /**
   * Also writes the batch-level logs every {@code batches} training batches.
   *
   * @throws IllegalArgumentException unless {@code batches} is at least 1
   */
  public TensorBoard updateFreq(int batches) {
    if (batches < 1) {
      throw new IllegalArgumentException(
          "TensorBoard: update_freq must be at least 1 batch (or \"epoch\"), got " + batches);
    }
    this.updateFreq = batches;
    return this;
  }

  /** Whether {@code write_graph} was asked for; it writes nothing (see the class comment). */
  public boolean writeGraph() {
    return writeGraph;
  }

  @Override
  public void setModel(Model m) {
    this.model = m;
  }

  /** Starts new event files (made on their first event) and counts batches from 0 again. */
  @Override
  public void onTrainBegin() {
    train = new EventFile(logDir.resolve("train"));
    validation = new EventFile(logDir.resolve("validation"));
    globalBatch = 0;
  }

  @Override
  public void onEpochBegin(int epoch) {
    if (train == null) onTrainBegin();
    epochBatches = 0;
    epochStart = System.nanoTime();
    lastBatchEnd = epochStart;
  }

  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    long now = System.nanoTime();
    double seconds = (now - lastBatchEnd) / 1e9;
    lastBatchEnd = now;
    globalBatch++;
    epochBatches++;
    // Keras documents "every update_freq batches"; Keras 3's code tests the step it captured when
    // training began (0), so it records every batch. This follows the documentation.
    if (updateFreq == 0 || globalBatch % updateFreq != 0) return;
    double wallTime = EventFile.now();
    logs.forEach(
        (name, value) ->
            train.add(
                EventProtos.scalar(wallTime, globalBatch, "batch_" + name, value.floatValue())));
    if (writeStepsPerSecond && seconds > 0) {
      train.add(
          EventProtos.scalar(
              wallTime, globalBatch, "batch_steps_per_second", (float) (1 / seconds)));
    }
    train.flush();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    double wallTime = EventFile.now();
    Map<String, Double> trainLogs = new LinkedHashMap<>();
    Map<String, Double> valLogs = new LinkedHashMap<>();
    logs.forEach(
        (k, v) -> {
          if (k.startsWith("val_")) valLogs.put(k.substring(4), v);
          else trainLogs.put(k, v);
        });
    Optimizer optimizer = model == null ? null : model.optimizer();
    if (optimizer != null) trainLogs.put("learning_rate", currentRate(optimizer));
    if (writeStepsPerSecond) {
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      if (seconds > 0) trainLogs.put("steps_per_second", epochBatches / seconds);
    }
    if (!valLogs.isEmpty()) {
      // Keras writes these from on_test_end, which fit's validation calls before on_epoch_end.
      long iterations = optimizer == null ? globalBatch : optimizer.iterations();
      valLogs.forEach(
          (k, v) ->
              validation.add(
                  EventProtos.scalar(
                      wallTime, iterations, "evaluation_" + k + "_vs_iterations", v.floatValue())));
      valLogs.forEach(
          (k, v) ->
              validation.add(EventProtos.scalar(wallTime, epoch, "epoch_" + k, v.floatValue())));
    }
    trainLogs.forEach(
        (k, v) -> train.add(EventProtos.scalar(wallTime, epoch, "epoch_" + k, v.floatValue())));
    if (histogramFreq > 0 && epoch % histogramFreq == 0 && model != null) logWeights(epoch);
    train.flush();
    validation.flush();
  }

  /** Everything was written at each epoch's end; nothing stays open. */
  @Override
  public void onTrainEnd() {
    if (train != null) train.flush();
    if (validation != null) validation.flush();
  }

  /** Keras' {@code optimizer.learning_rate}: a schedule's value at the current step. */
  private static double currentRate(Optimizer optimizer) {
    var schedule = optimizer.learningRateSchedule();
    return schedule == null
        ? optimizer.learningRate()
        : (float) schedule.at(optimizer.iterations());
  }

  private void logWeights(int epoch) {
    double wallTime = EventFile.now();
    List<Parameter> all = model.parameters();
    List<float[]> values = model.getWeights();
    Map<Parameter, float[]> byParameter = new IdentityHashMap<>();
    for (int i = 0; i < all.size(); i++) byParameter.put(all.get(i), values.get(i));
    weightNames(model)
        .forEach(
            (p, name) -> {
              float[] v = byParameter.get(p);
              train.add(
                  EventProtos.histogram(
                      wallTime, epoch, name + "/histogram", Histograms.buckets(v)));
              if (writeImages) {
                KernelImages.of(v, p.shape().dims())
                    .ifPresent(
                        img ->
                            train.add(
                                EventProtos.images(
                                    wallTime,
                                    epoch,
                                    name + "/image",
                                    img.width(),
                                    img.height(),
                                    img.pngs())));
              }
            });
  }

  /**
   * Each weight's name, {@code layer/weight} and {@code model/layer/weight} inside a nested model,
   * in layer order, each weight once: the names of cnn4j's model files.
   */
  private static Map<Parameter, String> weightNames(Model model) {
    Map<Parameter, String> names = new LinkedHashMap<>();
    addWeightNames(model, "", names);
    return names;
  }

  private static void addWeightNames(Model model, String prefix, Map<Parameter, String> names) {
    for (Layer layer : model.layers()) {
      if (layer instanceof Model nested) {
        addWeightNames(nested, prefix + nested.name() + "/", names);
        continue;
      }
      for (Parameter p : layer.parameters()) {
        String weight = p.name().substring(p.name().lastIndexOf('/') + 1);
        names.putIfAbsent(p, prefix + layer.name() + "/" + weight);
      }
    }
  }
}
