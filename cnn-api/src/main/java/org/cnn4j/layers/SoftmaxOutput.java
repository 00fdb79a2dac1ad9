package org.cnn4j.layers;

import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * A layer that may end in a softmax. When a model's last layer does and its loss is a cross-entropy
 * of probabilities, the model trains on the logits with the fused, stable softmax-cross-entropy (as
 * Keras does for a softmax output), and applies the softmax only when it returns predictions.
 */
public interface SoftmaxOutput {
  /** Whether the layer's activation is softmax. */
  boolean endsInSoftmax();

  /** The forward pass without the final softmax. */
  Tensor forwardLogits(Step step, Tensor x);
}
