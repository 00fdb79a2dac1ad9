package org.cnn4j.layers;

import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/** What the activation layers share: an element-wise function of the input, same shape out. */
abstract class ActivationLayer extends Layer implements InPlaceLayer {
  /** The function this layer applies. */
  abstract Activations activation();

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    return activation().apply(step, x, false);
  }

  @Override
  public boolean canRunInPlace() {
    return activation().inPlace();
  }

  @Override
  public Tensor forwardInPlace(Step step, Tensor x) {
    return activation().apply(step, x, true);
  }
}
