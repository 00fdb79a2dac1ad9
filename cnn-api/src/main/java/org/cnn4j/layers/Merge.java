package org.cnn4j.layers;

import java.util.List;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * What Keras' element-wise merge layers share (Add, Subtract, Multiply, Average, Maximum, Minimum):
 * called on a list of at least two tensors whose shapes broadcast (NumPy's rule, sizes equal or 1
 * from the right), with the combined shape as output. No weights.
 */
public abstract class Merge extends Layer {
  /** The smallest and largest number of inputs (Subtract takes exactly two). */
  int minInputs() {
    return 2;
  }

  int maxInputs() {
    return Integer.MAX_VALUE;
  }

  @Override
  protected List<Shape> computeOutputShapes(List<Shape> inputs) {
    if (inputs.size() < minInputs() || inputs.size() > maxInputs()) {
      throw new IllegalArgumentException(
          "Layer "
              + describe()
              + " takes "
              + (minInputs() == maxInputs() ? "exactly " + minInputs() : "at least " + minInputs())
              + " inputs, got "
              + inputs.size());
    }
    Shape out = inputs.get(0);
    for (Shape s : inputs.subList(1, inputs.size())) {
      Shape next = Broadcast.of(out, s);
      if (next == null) {
        throw new IllegalArgumentException(
            "Layer "
                + describe()
                + ": inputs of shapes "
                + inputs.stream().map(Shape::toBatchString).toList()
                + " do not broadcast (sizes must be equal or 1 along each axis)");
      }
      out = next;
    }
    return List.of(out);
  }

  @Override
  protected final Shape computeOutputShape(Shape input) {
    throw new IllegalArgumentException(
        "Layer " + describe() + " merges a list of inputs; call it on two or more tensors");
  }

  @Override
  public final Tensor forward(Step step, Tensor x) {
    throw new IllegalStateException("Layer " + describe() + " merges a list of inputs");
  }

  @Override
  public List<Tensor> forward(Step step, List<Tensor> inputs) {
    return List.of(merge(step, inputs));
  }

  /** The merged tensor, recording its backward. */
  abstract Tensor merge(Step step, List<Tensor> inputs);

  /** Folds {@code op} over the inputs from the left, each step with its own backward. */
  static Tensor fold(Step step, org.cnn4j.spi.BinaryOp op, List<Tensor> inputs) {
    Tensor acc = inputs.get(0);
    for (Tensor t : inputs.subList(1, inputs.size())) acc = Broadcast.binary(step, op, acc, t);
    return acc;
  }
}
