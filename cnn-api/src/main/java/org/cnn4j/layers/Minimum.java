package org.cnn4j.layers;

import java.util.List;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Minimum}: takes the element-wise minimum of its inputs (ties pass the gradient to
 * the first), with broadcasting.
 *
 * <pre>{@code SymbolicTensor y = new Minimum().apply(a, b);}</pre>
 */
public final class Minimum extends Merge {
  @Override
  Tensor merge(Step step, List<Tensor> inputs) {
    return fold(step, BinaryOp.MIN, inputs);
  }
}
