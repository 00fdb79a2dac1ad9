package org.cnn4j.layers;

import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * A layer that can write its output over its input's buffer and still differentiate itself (an
 * element-wise activation whose derivative comes from its output, such as ReLU). A model calls
 * {@link #forwardInPlace} where nothing else reads that input and the layer that computed it allows
 * it ({@link Layer#outputOverwritable()}): in a ResNet or MobileNet every BatchNormalization's
 * output is then overwritten by its activation instead of kept beside it for the backward pass.
 */
public interface InPlaceLayer {
  /** Whether {@link #forwardInPlace} applies to this layer as configured. */
  boolean canRunInPlace();

  /** The output, written over {@code x}'s buffer, with its backward recorded. */
  Tensor forwardInPlace(Step step, Tensor x);
}
