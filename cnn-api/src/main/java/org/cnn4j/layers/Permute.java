package org.cnn4j.layers;

import java.util.Arrays;
import java.util.Map;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Permute(dims)}: reorders the sample axes; {@code dims} are 1-based (the batch axis
 * stays first), e.g. {@code Permute(2, 1)} swaps the two axes of a {@code (None, a, b)} input. One
 * strided copy each way.
 */
public final class Permute extends Layer {
  private final int[] dims;

  /**
   * A permutation of the sample axes.
   *
   * @param dims a permutation of {@code 1..rank}: output axis {@code i + 1} is input axis {@code
   *     dims[i]}
   * @throws IllegalArgumentException when {@code dims} is not such a permutation
   */
  public Permute(int... dims) {
    int[] sorted = dims.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] != i + 1) {
        throw new IllegalArgumentException(
            "Permute: dims must be a permutation of 1.."
                + dims.length
                + ", got "
                + Arrays.toString(dims));
      }
    }
    this.dims = dims.clone();
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("dims", Arrays.stream(dims).boxed().toList());
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != dims.length) {
      throw badInput(
          input, "a sample of rank " + dims.length + " for dims " + Arrays.toString(dims));
    }
    int[] out = new int[dims.length];
    for (int i = 0; i < dims.length; i++) out[i] = input.dim(dims[i] - 1);
    return Shape.of(out);
  }

  /** {@code x} of {@code shape} read in the order {@code perm} (with the batch axis as 0). */
  private static StridedView permuted(Shape shape, int[] perm) {
    long[] strides = StridedView.contiguous(shape.dims()).strides();
    int[] outShape = new int[perm.length];
    long[] outStrides = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      outShape[i] = shape.dim(perm[i]);
      outStrides[i] = strides[perm[i]];
    }
    return new StridedView(0, outShape, outStrides);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    var backend = step.backend();
    int[] perm = new int[dims.length + 1];
    int[] inverse = new int[dims.length + 1];
    for (int i = 0; i < dims.length; i++) perm[i + 1] = dims[i];
    for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
    Tensor y = step.allocate(outputShape().withBatch(x.shape().dim(0)));
    backend.copyStrided(
        x.buffer(),
        permuted(x.shape(), perm),
        y.buffer(),
        StridedView.contiguous(y.shape().dims()));
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(x.shape());
          backend.copyStrided(
              y.grad().buffer(),
              permuted(y.shape(), inverse),
              dx.buffer(),
              StridedView.contiguous(x.shape().dims()));
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
