package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Concatenate(axis=-1)}: joins its inputs along one axis (counted as Keras counts,
 * with the batch axis as 0; -1 is the last, the channels of an image). Every other size must match.
 * Each input is one strided copy into its slice of the output, and its gradient the copy back.
 */
public final class Concatenate extends Layer {
  private final int axis;

  /** Joins along the last axis (Keras' default, {@code axis=-1}). */
  public Concatenate() {
    this(-1);
  }

  /**
   * Joins along {@code axis}.
   *
   * @param axis the axis, counted with the batch axis as 0; negative counts from the end
   * @throws IllegalArgumentException when {@code axis} is 0 (the batch axis)
   */
  public Concatenate(int axis) {
    if (axis == 0) throw new IllegalArgumentException("Concatenate: axis 0 is the batch axis");
    this.axis = axis;
  }

  /** The axis joined along, as given (Keras' {@code axis}). */
  public int axis() {
    return axis;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", axis);
    return c;
  }

  /** The axis in a sample shape (no batch axis) of {@code rank}. */
  private int sampleAxis(int rank) {
    int a = axis < 0 ? rank + axis : axis - 1;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException(
          "Layer " + describe() + ": axis " + axis + " is outside inputs of rank " + (rank + 1));
    }
    return a;
  }

  @Override
  protected List<Shape> computeOutputShapes(List<Shape> inputs) {
    if (inputs.size() < 2) {
      throw new IllegalArgumentException(
          "Layer " + describe() + " takes at least 2 inputs, got " + inputs.size());
    }
    Shape first = inputs.get(0);
    int a = sampleAxis(first.rank());
    int[] out = first.dims();
    out[a] = 0;
    for (Shape s : inputs) {
      boolean fits = s.rank() == first.rank();
      for (int i = 0; fits && i < s.rank(); i++) fits = i == a || s.dim(i) == first.dim(i);
      if (!fits) {
        throw new IllegalArgumentException(
            "Layer "
                + describe()
                + ": inputs of shapes "
                + inputs.stream().map(Shape::toBatchString).toList()
                + " differ outside the concatenation axis "
                + axis);
      }
      out[a] += s.dim(a);
    }
    return List.of(Shape.of(out));
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    throw new IllegalArgumentException(
        "Layer " + describe() + " joins a list of inputs; call it on two or more tensors");
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    throw new IllegalStateException("Layer " + describe() + " joins a list of inputs");
  }

  /**
   * The slice of the output that input {@code i} fills, viewed as {@code [outer, size, inner]}:
   * outer spans the axes before the concatenation axis (batch included), inner those after.
   */
  private static StridedView slice(Shape out, int axisFull, int offset, int size) {
    long outer = 1;
    for (int d = 0; d < axisFull; d++) outer *= out.dim(d);
    long inner = 1;
    for (int d = axisFull + 1; d < out.rank(); d++) inner *= out.dim(d);
    long total = out.dim(axisFull);
    return new StridedView(
        offset * inner,
        new int[] {(int) outer, size, (int) inner},
        new long[] {total * inner, inner, 1});
  }

  @Override
  public List<Tensor> forward(Step step, List<Tensor> inputs) {
    var backend = step.backend();
    int batch = inputs.get(0).shape().dim(0);
    Shape out = outputShape().withBatch(batch);
    int axisFull = sampleAxis(out.rank() - 1) + 1;
    Tensor y = step.allocate(out);
    List<StridedView> slices = new ArrayList<>();
    int offset = 0;
    for (Tensor x : inputs) {
      int size = x.shape().dim(axisFull);
      StridedView slice = slice(out, axisFull, offset, size);
      slices.add(slice);
      backend.copyStrided(x.buffer(), StridedView.contiguous(slice.shape()), y.buffer(), slice);
      offset += size;
    }
    step.record(
        () -> {
          if (y.grad() == null) return;
          for (int i = 0; i < inputs.size(); i++) {
            Tensor x = inputs.get(i);
            if (!x.requiresGrad()) continue;
            Tensor dx = step.allocate(x.shape());
            StridedView slice = slices.get(i);
            backend.copyStrided(
                y.grad().buffer(), slice, dx.buffer(), StridedView.contiguous(slice.shape()));
            step.accumulateGrad(x, dx);
          }
        });
    return List.of(y);
  }
}
