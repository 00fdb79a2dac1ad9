package org.cnn4j.layers;

import java.util.List;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Multiply}: multiplies its inputs element-wise, with broadcasting.
 *
 * <pre>{@code SymbolicTensor y = new Multiply().apply(a, b);}</pre>
 */
public final class Multiply extends Merge {
  @Override
  Tensor merge(Step step, List<Tensor> inputs) {
    return fold(step, BinaryOp.MUL, inputs);
  }
}
