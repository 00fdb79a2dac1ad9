package org.cnn4j.layers;

import java.util.Objects;
import org.cnn4j.tensor.Shape;

/**
 * A tensor of the functional API, Keras' {@code KerasTensor}: the shape of one sample (no batch
 * axis) and where it comes from, with no values. {@link Input#of} makes one; {@link Layer#apply}
 * takes some and returns new ones; {@code new Functional(inputs, outputs)} turns the graph between
 * them into a model.
 *
 * <pre>{@code
 * SymbolicTensor inputs = Input.of(32, 32, 3);
 * SymbolicTensor x = new Conv2D(16, 3).padding("same").activation("relu").apply(inputs);
 * SymbolicTensor y = new Add().apply(x, new Conv2D(16, 1).apply(inputs));
 * }</pre>
 */
public final class SymbolicTensor {
  private final Shape shape;
  private final Node node;
  private final int index;

  SymbolicTensor(Shape shape, Node node, int index) {
    this.shape = Objects.requireNonNull(shape);
    this.node = node;
    this.index = index;
  }

  /** The shape of one sample, without the batch axis. */
  public Shape shape() {
    return shape;
  }

  /** The call of a layer that produced this tensor. */
  public Node node() {
    return node;
  }

  /** The layer that produced this tensor. */
  public Layer layer() {
    return node.layer();
  }

  /** Which of the producing call's outputs this is (0 for single-output layers). */
  public int index() {
    return index;
  }

  /** Keras' history notation, {@code conv2d[0][0]}: layer, call, output. */
  @Override
  public String toString() {
    return node.layer().displayName() + "[" + node.index() + "][" + index + "] " + shape;
  }
}
