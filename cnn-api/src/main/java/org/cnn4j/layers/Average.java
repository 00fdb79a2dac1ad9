package org.cnn4j.layers;

import java.util.List;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/** Keras' {@code Average}: the element-wise mean of its inputs, with broadcasting. */
public final class Average extends Merge {
  @Override
  Tensor merge(Step step, List<Tensor> inputs) {
    return Broadcast.scale(step, fold(step, BinaryOp.ADD, inputs), 1f / inputs.size());
  }
}
