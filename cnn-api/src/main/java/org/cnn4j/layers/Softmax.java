package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Softmax(axis=-1)}: the softmax along one axis (counted with the batch axis as 0).
 * Along the last axis it is the backend's row softmax; along another, the axis is moved last by a
 * strided copy, and back.
 */
public final class Softmax extends Layer implements SoftmaxOutput {
  private final int axis;

  /** The softmax along the last axis (Keras' default, {@code axis=-1}). */
  public Softmax() {
    this(-1);
  }

  /**
   * The softmax along {@code axis}.
   *
   * @param axis the axis, counted with the batch axis as 0; negative counts from the end
   * @throws IllegalArgumentException when {@code axis} is 0 (the batch axis)
   */
  public Softmax(int axis) {
    if (axis == 0) throw new IllegalArgumentException("Softmax: axis 0 is the batch axis");
    this.axis = axis;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", axis);
    return c;
  }

  /** The axis in the full shape (batch axis 0) of a tensor of {@code rank}. */
  private int fullAxis(int rank) {
    int a = axis < 0 ? rank + axis : axis;
    if (a < 1 || a >= rank) {
      throw new IllegalArgumentException(
          "Layer " + describe() + ": axis " + axis + " is outside inputs of rank " + rank);
    }
    return a;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    fullAxis(input.rank() + 1);
    return input;
  }

  @Override
  public boolean endsInSoftmax() {
    return fullAxis(inputShape().rank() + 1) == inputShape().rank();
  }

  @Override
  public Tensor forwardLogits(Step step, Tensor x) {
    return x;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    int rank = x.shape().rank();
    int a = fullAxis(rank);
    Activations softmax = Activations.of("softmax");
    if (a == rank - 1) return softmax.apply(step, x, false);
    // [outer, len, inner] -> [outer, inner, len], softmax over len, and back.
    Shape s = x.shape();
    int outer = 1;
    for (int i = 0; i < a; i++) outer *= s.dim(i);
    int len = s.dim(a);
    int inner = (int) (s.size() / ((long) outer * len));
    Tensor moved = move(step, x, new int[] {outer, len, inner}, Shape.of(outer, inner, len));
    Tensor p = softmax.apply(step, moved, false);
    return move(step, p, new int[] {outer, inner, len}, s);
  }

  /** The tensor of shape [a, b, c] (dims) transposed to [a, c, b], recording the backward. */
  private static Tensor move(Step step, Tensor x, int[] dims, Shape out) {
    var backend = step.backend();
    StridedView swapped =
        new StridedView(
            0,
            new int[] {dims[0], dims[2], dims[1]},
            new long[] {(long) dims[1] * dims[2], 1, dims[2]});
    Tensor y = step.allocate(out);
    backend.copyStrided(
        x.buffer(), swapped, y.buffer(), StridedView.contiguous(dims[0], dims[2], dims[1]));
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(x.shape());
          backend.copyStrided(
              y.grad().buffer(),
              StridedView.contiguous(dims[0], dims[2], dims[1]),
              dx.buffer(),
              swapped);
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
