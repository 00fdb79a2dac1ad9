package org.cnn4j.layers;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call of a layer in a graph (Keras' inbound node): the tensors it read and the tensors it
 * made. A layer applied at two places has two nodes and one set of weights.
 *
 * <p>Nodes are numbered in the order they are created, which is a topological order of any graph: a
 * call can only read tensors that exist, so every node comes after the nodes it reads from.
 */
public final class Node {
  private static final AtomicLong CREATED = new AtomicLong();

  private final Layer layer;
  private final int index;
  private final long order;
  private final List<SymbolicTensor> inputs;
  private final List<SymbolicTensor> outputs;

  Node(Layer layer, int index, List<SymbolicTensor> inputs, List<org.cnn4j.tensor.Shape> shapes) {
    this.layer = layer;
    this.index = index;
    this.order = CREATED.getAndIncrement();
    this.inputs = List.copyOf(inputs);
    SymbolicTensor[] made = new SymbolicTensor[shapes.size()];
    for (int i = 0; i < made.length; i++) made[i] = new SymbolicTensor(shapes.get(i), this, i);
    this.outputs = List.of(made);
  }

  /** The layer called. */
  public Layer layer() {
    return layer;
  }

  /** Which call of its layer this is: 0 for the first. */
  public int index() {
    return index;
  }

  /** The creation order of this node among all nodes (a topological order). */
  public long order() {
    return order;
  }

  /** What the call read; empty for an {@link Input}. */
  public List<SymbolicTensor> inputs() {
    return inputs;
  }

  /** What the call made. */
  public List<SymbolicTensor> outputs() {
    return outputs;
  }

  @Override
  public String toString() {
    return layer.displayName() + "[" + index + "]";
  }
}
