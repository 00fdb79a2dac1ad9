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
}
