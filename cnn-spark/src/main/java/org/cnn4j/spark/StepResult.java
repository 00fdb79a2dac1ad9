package org.cnn4j.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the partitions send back for one step, summed over them by {@code treeAggregate}: the rows
 * they trained on, their loss and metrics times those rows, the sum of their gradients (synchronous
 * SGD), the sums of parameter values and optimizer slots times rows (to be averaged: the
 * non-trainable state such as BatchNormalization's moving statistics, and with parameter averaging
 * every weight), and how long they computed.
 */
final class StepResult implements Serializable {
  private static final long serialVersionUID = 1L;

  long rows;
  final Map<String, Double> logSums = new LinkedHashMap<>();
  float[][] gradients;
  float[][] weightedValues;
  float[][][] weightedSlots;
  long computeNanosMax;
  long computeNanosSum;

  /** Adds {@code other} into this one and returns this one. */
  StepResult merge(StepResult other) {
    rows += other.rows;
    other.logSums.forEach((k, v) -> logSums.merge(k, v, Double::sum));
    gradients = add(gradients, other.gradients);
    weightedValues = add(weightedValues, other.weightedValues);
    if (weightedSlots == null) {
      weightedSlots = other.weightedSlots;
    } else if (other.weightedSlots != null) {
      for (int i = 0; i < weightedSlots.length; i++) {
        weightedSlots[i] = add(weightedSlots[i], other.weightedSlots[i]);
      }
    }
    computeNanosMax = Math.max(computeNanosMax, other.computeNanosMax);
    computeNanosSum += other.computeNanosSum;
    return this;
  }

  /** Records a share's logs (means over its rows) as sums. */
  void addLogs(Map<String, Double> means, int shareRows, double penalty) {
    means.forEach((k, v) -> logSums.merge(k, v * shareRows, Double::sum));
    if (penalty != 0) logSums.merge("loss", penalty * shareRows, Double::sum);
  }

  /** {@code values} as arrays, each element times {@code weight}. */
  static float[][] weighted(List<float[]> values, float weight) {
    float[][] out = new float[values.size()][];
    for (int i = 0; i < out.length; i++) {
      float[] v = values.get(i).clone();
      for (int j = 0; j < v.length; j++) v[j] *= weight;
      out[i] = v;
    }
    return out;
  }

  private static float[][] add(float[][] into, float[][] other) {
    if (into == null) return other;
    if (other == null) return into;
    for (int i = 0; i < into.length; i++) {
      float[] a = into[i];
      float[] b = other[i];
      for (int j = 0; j < a.length; j++) a[j] += b[j];
    }
    return into;
  }
}
