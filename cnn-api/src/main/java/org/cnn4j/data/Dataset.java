package org.cnn4j.data;

/**
 * Samples that {@code fit}, {@code evaluate} and {@code predict} read in batches. Implementations
 * must allow {@link #copyBatch} from a background thread (the trainer prefetches the next batch).
 */
public interface Dataset {
  /** Number of samples. */
  int size();

  /** The shape of one sample, without the batch axis: {@code [height, width, channels]}. */
  int[] sampleShape();

  /** Values per label: 1 for class indices, k for target rows. */
  int labelSize();

  /**
   * Copies samples {@code indices[from .. from + batch)} (or {@code from ..} in order when indices
   * is null) into x {@code [batch, sample]} and y {@code [batch, labelSize]}.
   */
  void copyBatch(int[] indices, int from, int batch, float[] x, float[] y);

  /**
   * How many model inputs a sample feeds: 1 for images; more for a functional model with several
   * inputs ({@link ArrayDataset}).
   */
  default int inputCount() {
    return 1;
  }

  /** The sample shape of input {@code input} (without the batch axis). */
  default int[] sampleShape(int input) {
    if (input != 0) throw new IndexOutOfBoundsException("input " + input + " of 1");
    return sampleShape();
  }

  /** How many targets a sample has: one per model output. */
  default int targetCount() {
    return 1;
  }

  /** Values per label of target {@code target}. */
  default int labelSize(int target) {
    if (target != 0) throw new IndexOutOfBoundsException("target " + target + " of 1");
    return labelSize();
  }

  /**
   * Copies a batch of every input and target: {@code xs[i]} is {@code [batch, sample of input i]},
   * {@code ys[t]} is {@code [batch, labelSize(t)]}. Selection as {@link #copyBatch(int[], int, int,
   * float[], float[])}.
   */
  default void copyBatch(int[] indices, int from, int batch, float[][] xs, float[][] ys) {
    copyBatch(indices, from, batch, xs[0], ys[0]);
  }
}
