package org.cnn4j.losses;

import org.cnn4j.tensor.Tensor;

/**
 * A loss written with {@code org.cnn4j.ops}, as a Keras custom loss {@code fn(y_true, y_pred)}: the
 * per-sample losses for a batch of targets and predictions. The result has the batch axis first;
 * any further axes are averaged, as Keras does before its "sum over batch size" reduction. Its
 * gradient comes from the ops' backward.
 */
@FunctionalInterface
public interface LossFunction {
  /**
   * @param yTrue the targets, {@code [batch, labelSize]} as the data holds them (class indices have
   *     label size 1)
   * @param yPred the model's output, {@code [batch, ...]}
   */
  Tensor apply(Tensor yTrue, Tensor yPred);
}
