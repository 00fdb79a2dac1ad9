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
  private final int classes;

  private SampleChecks(String what, boolean labels, int classes) {
    this.what = what;
    this.labels = labels;
    this.classes = classes;
  }

  /** Inputs only (predict: the labels are not read). */
  static SampleChecks inputs(String what) {
    return new SampleChecks(what, false, 0);
  }

  /**
   * Inputs and labels: class indices in {@code [0, classes)} when {@code classes > 0} (a sparse
   * loss), else finite target values.
   */
  static SampleChecks inputsAndLabels(String what, int classes) {
    return new SampleChecks(what, true, classes);
  }

  /**
   * Checks a copied batch: x {@code [size, sampleSize]}, y {@code [size, labelSize]}; {@code
   * sample} maps a row of the batch to its index in the data set.
   *
   * @throws IllegalArgumentException naming the first bad sample
   */
  void check(
      float[] x, float[] y, int size, int sampleSize, int labelSize, IntUnaryOperator sample) {
    if (!allFinite(x, size * sampleSize)) {
      for (int row = 0; row < size; row++) {
        for (int i = row * sampleSize; i < (row + 1) * sampleSize; i++) {
          if (!Float.isFinite(x[i])) {
            throw new IllegalArgumentException(
                what
                    + ", sample "
                    + sample.applyAsInt(row)
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
    if (!labels) return;
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
