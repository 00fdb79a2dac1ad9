package org.cnn4j.layers;

import java.util.Arrays;
import java.util.Map;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Reshape(target_shape)}: the same values in another sample shape (a view, no copy);
 * one size may be -1, inferred from the others.
 */
public final class Reshape extends Layer {
  private final int[] target;

  /**
   * A reshape to {@code targetShape}, the batch axis left out.
   *
   * @param targetShape the sample sizes, each >= 1 except at most one -1 (inferred)
   * @throws IllegalArgumentException for an empty shape, a size below 1 other than -1, or more than
   *     one -1
   */
  public Reshape(int... targetShape) {
    int unknown = 0;
    for (int d : targetShape) {
      if (d == -1) unknown++;
      else if (d < 1) throw new IllegalArgumentException("Reshape: sizes must be >= 1 or -1");
    }
    if (unknown > 1 || targetShape.length == 0) {
      throw new IllegalArgumentException("Reshape: at most one -1, and at least one size");
    }
    this.target = targetShape.clone();
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("target_shape", Arrays.stream(target).boxed().toList());
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    long known = 1;
    int free = -1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == -1) free = i;
      else known *= target[i];
    }
    int[] out = target.clone();
    if (free >= 0) {
      if (input.size() % known != 0) {
        throw badInput(input, Arrays.toString(target) + " with " + input.size() + " values");
      }
      out[free] = (int) (input.size() / known);
    } else if (known != input.size()) {
      throw badInput(input, "the " + known + " values of target shape " + Arrays.toString(target));
    }
    return Shape.of(out);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    Tensor y = x.view(outputShape().withBatch(x.shape().dim(0)));
    step.record(
        () -> {
          if (y.grad() != null) step.accumulateGrad(x, y.grad().view(x.shape()));
        });
    return y;
  }
}
