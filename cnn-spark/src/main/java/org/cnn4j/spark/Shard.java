package org.cnn4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.models.FitOptions;

/**
 * The training samples of one partition, decoded once and cached by Spark for every step: {@code x}
 * is {@code [count, sample]} (the model's input floats), {@code y} {@code [count]} class indices. A
 * step reads the rows of its share of the global batch from the partition's shuffled order.
 */
final class Shard implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final int count;
  private final int[] shape;
  private final float[] x;
  private final float[] y;

  Shard(int partition, int count, int[] shape, float[] x, float[] y) {
    this.partition = partition;
    this.count = count;
    this.shape = shape.clone();
    this.x = x;
    this.y = y;
  }

  int partition() {
    return partition;
  }

  int count() {
    return count;
  }

  /**
   * The partition's order of samples in {@code epoch}: fit's shuffled order for its seed (a
   * partition's own seed, so partitions shuffle independently; partition 0 uses the run's seed, so
   * one partition takes the batches fit takes), or the stored order when not shuffling.
   */
  int[] order(long seed, int epoch, boolean shuffle) {
    if (shuffle) return FitOptions.shuffledOrder(seed + partition, epoch, count);
    int[] order = new int[count];
    Arrays.setAll(order, i -> i);
    return order;
  }

  /** Rows {@code order[from .. to)} as a data set of samples and class indices. */
  ArrayDataset rows(int[] order, int from, int to) {
    int n = to - from;
    int sample = x.length / Math.max(count, 1);
    float[] xs = new float[n * sample];
    float[] ys = new float[n];
    for (int i = 0; i < n; i++) {
      int r = order[from + i];
      System.arraycopy(x, r * sample, xs, i * sample, sample);
      ys[i] = y[r];
    }
    return ArrayDataset.of(n).input(xs, shape).target(ys, 1);
  }
}
