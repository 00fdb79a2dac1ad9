package org.cnn4j.models;

import java.util.function.IntUnaryOperator;

/**
 * What every batch is checked for as it is copied, so no backend trains or predicts on values that
 * would give a confident wrong answer: inputs must be finite, labels finite, and a sparse loss's
 * labels class indices in {@code [0, classes)}. A failure names the data, the sample by its index
 * in the data set, and the value.
 */
final class SampleChecks {
  private final String what;
  private final boolean labels;
  private final int[] classes;

  private SampleChecks(String what, boolean labels, int[] classes) {
    this.what = what;
    this.labels = labels;
    this.classes = classes;
  }

  /** Inputs only (predict: the labels are not read). */
  static SampleChecks inputs(String what) {
    return new SampleChecks(what, false, new int[0]);
  }

  /**
   * Inputs and labels: for target t, class indices in {@code [0, classes[t])} when {@code
   * classes[t] > 0} (a sparse loss), else finite target values.
   */
  static SampleChecks inputsAndLabels(String what, int... classes) {
    return new SampleChecks(what, true, classes.clone());
  }

  /**
   * Checks a copied batch; {@code sample} maps a row of the batch to its index in the data set.
   *
   * @throws IllegalArgumentException naming the first bad sample
   */
  void check(Batches.Batch b, int[] sampleSizes, int[] labelSizes, IntUnaryOperator sample) {
    for (int i = 0; i < b.xs().length; i++) {
      String input = b.xs().length > 1 ? " (input " + i + ")" : "";
      checkInputs(b.xs()[i], b.size(), sampleSizes[i], sample, input);
    }
    if (!labels) return;
    for (int t = 0; t < b.ys().length && t < classes.length; t++) {
      String target = b.ys().length > 1 ? " (target " + t + ")" : "";
      checkLabels(b.ys()[t], b.size(), labelSizes[t], classes[t], sample, target);
    }
  }

  private void checkInputs(
      float[] x, int size, int sampleSize, IntUnaryOperator sample, String input) {
    if (allFinite(x, size * sampleSize)) return;
    for (int row = 0; row < size; row++) {
      for (int i = row * sampleSize; i < (row + 1) * sampleSize; i++) {
        if (!Float.isFinite(x[i])) {
          throw new IllegalArgumentException(
              what
                  + ", sample "
                  + sample.applyAsInt(row)
                  + input
                  + ": input value "
                  + (i - row * sampleSize)
                  + " of "
                  + sampleSize
                  + " is "
                  + x[i]
                  + "; the model needs finite inputs (fix or leave out this sample)");
        }
      }
    }
  }

  private void checkLabels(
      float[] y, int size, int labelSize, int classes, IntUnaryOperator sample, String target) {
    for (int row = 0; row < size; row++) {
      for (int j = row * labelSize; j < (row + 1) * labelSize; j++) {
        float v = y[j];
        boolean bad =
            classes > 0 ? !(v >= 0 && v < classes && v == Math.rint(v)) : !Float.isFinite(v);
        if (bad) {
          throw new IllegalArgumentException(
              what
                  + ", sample "
                  + sample.applyAsInt(row)
                  + target
                  + ": label "
                  + (v == Math.rint(v) && Float.isFinite(v) ? Long.toString((long) v) : v)
                  + (classes > 0
                      ? " is not a class index in [0, "
                          + classes
                          + ") (the model has "
                          + classes
                          + " outputs)"
                      : " is not a finite target value"));
        }
      }
    }
  }

  /**
   * Whether the first {@code n} values are all finite, in one branch-free pass: a value's exponent
   * bits are all ones exactly when it is NaN or infinite, and adding one to them then sets the sign
   * bit.
   */
  private static boolean allFinite(float[] values, int n) {
    int flags = 0;
    for (int i = 0; i < n; i++) {
      flags |= (Float.floatToRawIntBits(values[i]) & 0x7F800000) + 0x00800000;
    }
    return flags >= 0;
  }
}
