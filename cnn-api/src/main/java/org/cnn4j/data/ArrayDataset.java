package org.cnn4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Samples held in host arrays for a model with several inputs or outputs, as Keras' {@code fit([x1,
 * x2], [y1, y2])}: each input is an array {@code [count, sample...]}, each target an array {@code
 * [count, labelSize]} (class indices have label size 1).
 *
 * <pre>{@code
 * Dataset data = ArrayDataset.of(1000)
 *     .input(images, 28, 28, 1).input(metadata, 4)
 *     .target(classes, 1).target(scores, 1);
 * }</pre>
 */
public final class ArrayDataset implements Dataset {
  private final int count;
  private final List<float[]> inputs = new ArrayList<>();
  private final List<int[]> shapes = new ArrayList<>();
  private final List<float[]> targets = new ArrayList<>();
  private final List<Integer> labelSizes = new ArrayList<>();

  private ArrayDataset(int count) {
    if (count < 1) throw new IllegalArgumentException("a dataset holds >= 1 samples, got " + count);
    this.count = count;
  }

  /** An empty dataset of {@code count} samples; add inputs and targets in the model's order. */
  public static ArrayDataset of(int count) {
    return new ArrayDataset(count);
  }

  /** Adds the next input: {@code values} holds {@code count} samples of {@code shape}. */
  public ArrayDataset input(float[] values, int... shape) {
    long sample = 1;
    for (int d : shape) {
      if (d < 1) throw new IllegalArgumentException("input shape " + Arrays.toString(shape));
      sample *= d;
    }
    if (values.length != sample * count) {
      throw new IllegalArgumentException(
          "input "
              + inputs.size()
              + " holds "
              + values.length
              + " floats, expected "
              + count
              + " samples of "
              + Arrays.toString(shape)
              + " = "
              + sample * count);
    }
    inputs.add(values);
    shapes.add(shape.clone());
    return this;
  }

  /** Adds the next target: {@code labelSize} values per sample (1 for class indices). */
  public ArrayDataset target(float[] values, int labelSize) {
    if (labelSize < 1 || values.length != (long) labelSize * count) {
      throw new IllegalArgumentException(
          "target "
              + targets.size()
              + " holds "
              + values.length
              + " floats, expected "
              + count
              + " samples of "
              + labelSize);
    }
    targets.add(values);
    labelSizes.add(labelSize);
    return this;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public int[] sampleShape() {
    return sampleShape(0);
  }

  @Override
  public int labelSize() {
    return labelSize(0);
  }

  @Override
  public int inputCount() {
    return inputs.size();
  }

  @Override
  public int[] sampleShape(int input) {
    return shapes.get(input).clone();
  }

  @Override
  public int targetCount() {
    return targets.size();
  }

  @Override
  public int labelSize(int target) {
    return labelSizes.get(target);
  }

  @Override
  public void copyBatch(int[] indices, int from, int batch, float[] x, float[] y) {
    copyBatch(indices, from, batch, new float[][] {x}, new float[][] {y});
  }

  @Override
  public void copyBatch(int[] indices, int from, int batch, float[][] xs, float[][] ys) {
    for (int a = 0; a < inputs.size(); a++)
      copyRows(inputs.get(a), sizeOf(shapes.get(a)), indices, from, batch, xs[a]);
    for (int t = 0; t < targets.size() && t < ys.length; t++) {
      copyRows(targets.get(t), labelSizes.get(t), indices, from, batch, ys[t]);
    }
  }

  private static int sizeOf(int[] shape) {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  private static void copyRows(
      float[] src, int row, int[] indices, int from, int batch, float[] dst) {
    for (int b = 0; b < batch; b++) {
      int i = indices == null ? from + b : indices[from + b];
      System.arraycopy(src, i * row, dst, b * row, row);
    }
  }
}
