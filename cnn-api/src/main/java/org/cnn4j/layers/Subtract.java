package org.cnn4j.layers;

import java.util.List;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/** Keras' {@code Subtract}: the first of exactly two inputs minus the second, with broadcasting. */
public final class Subtract extends Merge {
  @Override
  int maxInputs() {
    return 2;
  }

  @Override
  Tensor merge(Step step, List<Tensor> inputs) {
    return Broadcast.binary(step, BinaryOp.SUB, inputs.get(0), inputs.get(1));
  }
}
