package org.cnn4j.metrics;

/** Keras' top_k_categorical_accuracy: the target class is among the k highest outputs. */
public final class TopKAccuracy implements Metric {
  private final int k;
  private long correct;
  private long total;

  /**
   * Top-k accuracy.
   *
   * @param k how many of the highest outputs count as a hit, >= 1 (Keras' default is 5)
   */
  public TopKAccuracy(int k) {
    if (k < 1) throw new IllegalArgumentException("top-k accuracy: k must be >= 1, got " + k);
    this.k = k;
  }

  @Override
  public String name() {
    return k == 5 ? "top_k_categorical_accuracy" : "top_" + k + "_accuracy";
  }

  @Override
  public void update(float[] pred, float[] target, int rows, int cols, boolean sparseTargets) {
    for (int r = 0; r < rows; r++) {
      int t = sparseTargets ? (int) target[r] : Accuracy.argmax(target, r * cols, cols);
      float v = pred[r * cols + t];
      int higher = 0;
      for (int j = 0; j < cols; j++) if (pred[r * cols + j] > v) higher++;
      if (higher < k) correct++;
    }
    total += rows;
  }

  @Override
  public double result() {
    return total == 0 ? 0 : (double) correct / total;
  }

  @Override
  public void reset() {
    correct = 0;
    total = 0;
  }
}
