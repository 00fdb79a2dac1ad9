package org.cnn4j.layers;

import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/** Declares the shape of one sample (no batch axis), as Keras' {@code Input(shape=(28, 28, 1))}. */
public final class Input extends Layer {
  private final Shape shape;

  public Input(int... shape) {
    this.shape = Shape.of(shape);
  }

  public Shape shape() {
    return shape;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (!input.equals(shape)) throw badInput(input, shape.toBatchString());
    return shape;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    return x;
  }
}
