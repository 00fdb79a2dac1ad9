package org.cnn4j.callbacks;

/**
 * The buckets of {@code tf.summary.histogram}: always {@value #BUCKETS}, of equal width from the
 * smallest value to the largest, as TensorFlow computes them.
 */
final class Histograms {
  /** TensorBoard's default bucket count. */
  static final int BUCKETS = 30;

  private Histograms() {}

  /**
   * One row {@code [left edge, right edge, count]} per bucket. A value falls in bucket {@code
   * floor((v - min) / width)}, the largest in the last bucket; the edges are {@code min + i *
   * width} and the last right edge is exactly the largest value. When every value is the same, all
   * edges are that value and the last bucket counts them all; with no values every entry is 0.
   */
  static double[][] buckets(float[] data) {
    double[][] rows = new double[BUCKETS][3];
    if (data.length == 0) return rows;
    double min = data[0];
    double max = data[0];
    for (float v : data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    double range = max - min;
    if (range == 0) {
      for (double[] row : rows) {
        row[0] = max;
        row[1] = max;
      }
      rows[BUCKETS - 1][2] = data.length;
      return rows;
    }
    double width = range / BUCKETS;
    for (float v : data) {
      int bucket = (int) Math.floor((v - min) / width);
      rows[Math.max(0, Math.min(bucket, BUCKETS - 1))][2]++;
    }
    for (int i = 0; i < BUCKETS; i++) {
      rows[i][0] = min + i * width;
      rows[i][1] = i == BUCKETS - 1 ? max : min + (i + 1) * width;
    }
    return rows;
  }
}
