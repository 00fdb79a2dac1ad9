package org.cnn4j.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A batch of a model's outputs, as {@code predict} returns it: {@code rows} samples of {@code cols}
 * values each (probabilities for a softmax output), with the helpers a classifier's user reaches
 * for: the arg-max class, the top k, and class names.
 *
 * <pre>{@code
 * Predictions p = model.predict(Path.of("shirt.png"));
 * System.out.println(p.topK(3).get(0));   // [Shirt 0.91, T-shirt/top 0.05, Coat 0.02]
 * }</pre>
 */
public final class Predictions {
  /**
   * One class of one sample: its index, its value (probability), and its name when known.
   *
   * @param index the class index (the output column)
   * @param value the output value, a probability for a softmax output
   * @param name the class name, or null when the model has none
   */
  public record Scored(int index, float value, String name) {
    @Override
    public String toString() {
      return (name != null ? name : "class " + index) + " " + value;
    }
  }

  private final float[] values;
  private final int rows;
  private final int cols;
  private final List<String> names;

  /**
   * @param values {@code [rows, cols]} row-major
   * @param names the class names of the columns, or null
   */
  public Predictions(float[] values, int rows, List<String> names) {
    if (rows < 0 || (rows == 0 ? values.length != 0 : values.length % rows != 0)) {
      throw new IllegalArgumentException(values.length + " values are not " + rows + " rows");
    }
    this.values = values;
    this.rows = rows;
    this.cols = rows == 0 ? 0 : values.length / rows;
    if (names != null && names.size() != cols) {
      throw new IllegalArgumentException(
          names.size() + " class names for " + cols + " outputs per sample");
    }
    this.names = names == null ? null : List.copyOf(names);
  }

  /** Every value, {@code [rows, cols]} row-major (Keras' predict array). */
  public float[] values() {
    return values;
  }

  /** The number of samples. */
  public int rows() {
    return rows;
  }

  /** The number of values per sample (0 when there are no samples). */
  public int cols() {
    return cols;
  }

  /** The values of sample {@code r}. */
  public float[] row(int r) {
    return Arrays.copyOfRange(values, r * cols, (r + 1) * cols);
  }

  /** The class names of the columns, or null when the model has none. */
  public List<String> classNames() {
    return names;
  }

  /** These predictions with {@code classNames} for the columns (one per output). */
  public Predictions withClassNames(List<String> classNames) {
    return new Predictions(values, rows, classNames);
  }

  /** The index of each sample's largest value (the first of ties). */
  public int[] argmax() {
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int c = 1; c < cols; c++) if (values[r * cols + c] > values[r * cols + best]) best = c;
      out[r] = best;
    }
    return out;
  }

  /** The name of each sample's arg-max class ("class 3" where there are no names). */
  public List<String> predictedClassNames() {
    List<String> out = new ArrayList<>(rows);
    for (int i : argmax()) out.add(names != null ? names.get(i) : "class " + i);
    return out;
  }

  /** Each sample's {@code k} largest values, largest first (ties by lower index). */
  public List<List<Scored>> topK(int k) {
    if (k < 1) throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
    int take = Math.min(k, cols);
    List<List<Scored>> out = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      Integer[] order = new Integer[cols];
      for (int c = 0; c < cols; c++) order[c] = c;
      int base = r * cols;
      Arrays.sort(order, (a, b) -> Float.compare(values[base + b], values[base + a]));
      List<Scored> top = new ArrayList<>(take);
      for (int i = 0; i < take; i++) {
        int c = order[i];
        top.add(new Scored(c, values[base + c], names != null ? names.get(c) : null));
      }
      out.add(top);
    }
    return out;
  }

  @Override
  public String toString() {
    return "Predictions[" + rows + " x " + cols + "]";
  }
}
