package org.cnn4j.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which rows of which partition make up each global batch of an epoch. Partition p, holding {@code
 * n_p} of the {@code N} samples, gives step s the rows {@code [bound(p, s), bound(p, s + 1))} of
 * its shuffled order, with {@code bound(p, s) = floor(s * B * n_p / N)}: every partition
 * contributes in proportion to its size and all finish the epoch at the same step, so the global
 * batch holds about B rows (exactly B with one partition, whose batches are then fit's). The global
 * batch is the partitions' shares one after another, partition 0 first: a share's first row there
 * is what {@code Model.computeGradients} needs for dropout draws and for the 1 / rows scaling.
 *
 * <p>A function of the partition sizes and B only, so the driver and every executor compute the
 * same schedule, and a run resumed at step s takes the batches it would have taken.
 */
final class BatchSchedule implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] sizes;
  private final long total;
  private final int batchSize;
  private final int steps;

  /**
   * @param sizes the samples of each partition, by partition index
   * @param batchSize the global batch size B
   */
  BatchSchedule(int[] sizes, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
    this.sizes = sizes.clone();
    this.total = Arrays.stream(sizes).asLongStream().sum();
    if (total < 1) throw new IllegalArgumentException("the training data holds no samples");
    this.batchSize = batchSize;
    this.steps = (int) ((total + batchSize - 1) / batchSize);
  }

  /** Steps per epoch: ceil(N / B). */
  int stepsPerEpoch() {
    return steps;
  }

  int partitions() {
    return sizes.length;
  }

  long samples() {
    return total;
  }

  int batchSize() {
    return batchSize;
  }

  /** The first row of partition p's order in step s. */
  int from(int p, int s) {
    return bound(p, s);
  }

  /** One past the last row of partition p's order in step s. */
  int to(int p, int s) {
    return bound(p, s + 1);
  }

  private int bound(int p, int s) {
    if (s >= steps) return sizes[p];
    return (int) Math.min(sizes[p], (long) s * batchSize * sizes[p] / total);
  }

  /** The rows of the global batch of step s. */
  int batchRows(int s) {
    int rows = 0;
    for (int p = 0; p < sizes.length; p++) rows += to(p, s) - from(p, s);
    return rows;
  }

  /** Where partition p's share starts in the global batch of step s. */
  int firstRow(int p, int s) {
    int rows = 0;
    for (int q = 0; q < p; q++) rows += to(q, s) - from(q, s);
    return rows;
  }

  /** The partition sizes, for checking that a resumed run splits the data as before. */
  int[] sizes() {
    return sizes.clone();
  }
}
