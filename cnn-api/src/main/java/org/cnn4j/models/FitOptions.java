package org.cnn4j.models;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.data.Dataset;

/**
 * The arguments of {@code fit} with Keras' defaults: 1 epoch, batch size 32, shuffle, no
 * validation, verbose 1 (a progress bar; 2 is one line per epoch; 0 is silent).
 *
 * <pre>{@code FitOptions.epochs(5).batchSize(32).validationSplit(0.1)}</pre>
 */
public final class FitOptions {
  int epochs = 1;
  int initialEpoch;
  int batchSize = 32;
  boolean shuffle = true;
  double validationSplit;
  Dataset validationData;
  int verbose = 1;
  long seed = 0;
  final List<Callback> callbacks = new ArrayList<>();
  float[] sampleWeights;
  java.util.Map<Integer, Double> classWeights;

  /**
   * Keras' {@code sample_weight}: one weight per training sample, by its index in the data set.
   * Each sample's loss (and its gradient) is multiplied by its weight; the loss stays a mean over
   * the batch's samples, as Keras' "sum over batch size".
   */
  public FitOptions sampleWeights(float[] weights) {
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || Float.isInfinite(weights[i])) {
        throw new IllegalArgumentException(
            "sample_weight " + i + " is " + weights[i] + "; weights must be finite and >= 0");
      }
    }
    this.sampleWeights = weights.clone();
    return this;
  }

  /**
   * Keras' {@code class_weight}: a weight per class index for the first output's targets (class
   * indices, or one-hot rows by their 1); a class left out weighs 1. Multiplies with sample
   * weights.
   */
  public FitOptions classWeight(java.util.Map<Integer, Double> weights) {
    weights.forEach(
        (k, v) -> {
          if (k == null || k < 0 || v == null || !(v >= 0) || v.isInfinite()) {
            throw new IllegalArgumentException(
                "class_weight " + k + " -> " + v + "; classes >= 0 and finite weights >= 0");
          }
        });
    this.classWeights = java.util.Map.copyOf(weights);
    return this;
  }

  /**
   * Options that train for {@code epochs} epochs, with Keras' other defaults (Keras' {@code
   * epochs}, 1 by default).
   *
   * @throws IllegalArgumentException when {@code epochs < 1}
   */
  public static FitOptions epochs(int epochs) {
    return new FitOptions().setEpochs(epochs);
  }

  private FitOptions setEpochs(int e) {
    if (e < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + e);
    this.epochs = e;
    return this;
  }

  /**
   * The epoch to start at (Keras' {@code initial_epoch}, default 0): with a model loaded from a
   * checkpoint, {@code model.epochsTrained()}. {@code epochs} stays the index of the last epoch +
   * 1.
   */
  public FitOptions initialEpoch(int epoch) {
    if (epoch < 0) throw new IllegalArgumentException("initial_epoch must be >= 0, got " + epoch);
    this.initialEpoch = epoch;
    return this;
  }

  /**
   * Samples per gradient update (Keras' {@code batch_size}, 32 by default); the last batch of an
   * epoch may be smaller.
   *
   * @throws IllegalArgumentException when {@code size < 1}
   */
  public FitOptions batchSize(int size) {
    if (size < 1) throw new IllegalArgumentException("batch_size must be >= 1, got " + size);
    this.batchSize = size;
    return this;
  }

  /**
   * Whether to visit the training samples in a new order each epoch (Keras' {@code shuffle}, true
   * by default).
   */
  public FitOptions shuffle(boolean on) {
    this.shuffle = on;
    return this;
  }

  /**
   * The fraction of the training samples, taken from the end before shuffling, used for validation.
   */
  public FitOptions validationSplit(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation_split must be in [0, 1), got " + fraction);
    }
    this.validationSplit = fraction;
    return this;
  }

  /**
   * Data to evaluate the loss and metrics on at the end of each epoch, logged with a "val_" prefix
   * (Keras' {@code validation_data}); not together with {@link #validationSplit}.
   */
  public FitOptions validationData(Dataset data) {
    this.validationData = data;
    return this;
  }

  /** Keras' {@code verbose}: 1 (the default) a progress bar, 2 one line per epoch, 0 silent. */
  public FitOptions verbose(int level) {
    this.verbose = level;
    return this;
  }

  /** The seed of the shuffling and dropout (default 0): the same seed gives the same run. */
  public FitOptions seed(long s) {
    this.seed = s;
    return this;
  }

  /**
   * The order in which fit visits {@code count} samples in epoch {@code epoch} when it shuffles
   * with {@code seed}: a function of the three only, so a run resumed at any epoch takes the same
   * batches, and so can training that assembles fit's batches itself.
   */
  public static int[] shuffledOrder(long seed, int epoch, int count) {
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
    return Training.permutation(count, new java.util.Random(Training.mix(seed, epoch, -1)));
  }

  /**
   * The random seed of fit's step {@code step} (from 0) of epoch {@code epoch} with {@code seed}:
   * dropout masks derive from it ({@link Model#computeGradients} takes it).
   */
  public static long stepSeed(long seed, int epoch, int step) {
    return Training.mix(seed, epoch, step);
  }

  /** Adds callbacks, called in the order given (Keras' {@code callbacks}). */
  public FitOptions callbacks(Callback... list) {
    this.callbacks.addAll(List.of(list));
    return this;
  }
}
