package org.cnn4j.metrics;

/**
 * Keras' "accuracy" as compile() resolves it: the arg-max against class indices (sparse) or against
 * the arg-max of one-hot rows (categorical); with one output column, a 0.5 threshold (binary).
 */
public final class Accuracy implements Metric {
  private final String name;
  private long correct;
  private long total;

  /** Accuracy named "accuracy", as compile() resolves Keras' "accuracy"/"acc". */
  public Accuracy() {
    this("accuracy");
  }

  /**
   * Accuracy under another name, as "sparse_categorical_accuracy" or "categorical_accuracy".
   *
   * @param name the name shown in the progress line and History
   */
  public Accuracy(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void update(float[] pred, float[] target, int rows, int cols, boolean sparseTargets) {
    for (int r = 0; r < rows; r++) {
      boolean hit;
      if (cols == 1) {
        hit = (pred[r] > 0.5f) == (target[r] > 0.5f);
      } else {
        int p = argmax(pred, r * cols, cols);
        int t = sparseTargets ? (int) target[r] : argmax(target, r * cols, cols);
        hit = p == t;
      }
      if (hit) correct++;
    }
    total += rows;
  }

  static int argmax(float[] v, int offset, int len) {
    int best = 0;
    for (int j = 1; j < len; j++) if (v[offset + j] > v[offset + best]) best = j;
    return best;
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
