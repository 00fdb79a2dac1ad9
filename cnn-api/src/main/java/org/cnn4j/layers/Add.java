package org.cnn4j.layers;

import java.util.List;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Add}: sums its inputs, with broadcasting.
 *
 * <pre>{@code SymbolicTensor y = new Add().apply(a, b);}</pre>
 */
public final class Add extends Merge {
  @Override
  Tensor merge(Step step, List<Tensor> inputs) {
    return fold(step, BinaryOp.ADD, inputs);
  }

  /** The sum is a new buffer (of two inputs or more), and the backward passes its gradient on. */
  @Override
  public boolean outputOverwritable() {
    return true;
  }

  /** The backward passes the sum's gradient on without reading the inputs. */
  @Override
  public boolean inputsReadByBackward() {
    return false;
  }
}
