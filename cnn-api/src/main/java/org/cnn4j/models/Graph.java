package org.cnn4j.models;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.SoftmaxOutput;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * The calls between a model's inputs and outputs, in an order that runs each after the calls it
 * reads from (nodes sorted by creation, which is topological), and how to run them on a batch.
 */
final class Graph {
  private final List<SymbolicTensor> inputs;
  private final List<SymbolicTensor> outputs;
  private final List<Node> nodes;
  private final List<Layer> layers;
  private final Set<SymbolicTensor> read;

  private Graph(
      List<SymbolicTensor> inputs,
      List<SymbolicTensor> outputs,
      List<Node> nodes,
      List<Layer> layers,
      Set<SymbolicTensor> read) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.nodes = nodes;
    this.layers = layers;
    this.read = read;
  }

  /**
   * The graph from {@code inputs} to {@code outputs}.
   *
   * @throws IllegalArgumentException when an input is not an {@link Input}'s tensor, is given twice
   *     or feeds no output, or when an output depends on an input that is not among {@code inputs}
   */
  static Graph of(String model, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
    if (inputs.isEmpty() || outputs.isEmpty()) {
      throw new IllegalArgumentException(model + ": a model needs at least one input and output");
    }
    Set<SymbolicTensor> given = identitySet();
    for (SymbolicTensor t : inputs) {
      if (!(t.layer() instanceof Input)) {
        throw new IllegalArgumentException(
            model
                + ": input "
                + t
                + " is not a model input; start the graph from Input.of(...) tensors");
      }
      if (!given.add(t)) throw new IllegalArgumentException(model + ": input " + t + " is twice");
    }
    Set<Node> reached = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    Set<SymbolicTensor> read = identitySet();
    Set<SymbolicTensor> usedInputs = identitySet();
    Deque<SymbolicTensor> todo = new ArrayDeque<>(outputs);
    while (!todo.isEmpty()) {
      SymbolicTensor t = todo.pop();
      if (given.contains(t)) {
        usedInputs.add(t);
        continue;
      }
      if (t.layer() instanceof Input) {
        throw new IllegalArgumentException(
            model
                + ": the outputs depend on input "
                + t
                + ", which is not among the model's inputs "
                + inputs);
      }
      if (reached.add(t.node())) {
        for (SymbolicTensor in : t.node().inputs()) {
          read.add(in);
          todo.push(in);
        }
      }
    }
    for (SymbolicTensor t : inputs) {
      if (!usedInputs.contains(t)) {
        throw new IllegalArgumentException(model + ": input " + t + " is not connected to outputs");
      }
    }
    List<Node> order = new ArrayList<>(reached);
    order.sort(Comparator.comparingLong(Node::order));
    Set<Layer> layers = new LinkedHashSet<>();
    for (SymbolicTensor t : inputs) layers.add(t.layer());
    for (Node n : order) layers.add(n.layer());
    return new Graph(
        List.copyOf(inputs), List.copyOf(outputs), List.copyOf(order), List.copyOf(layers), read);
  }

  private static Set<SymbolicTensor> identitySet() {
    return java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  }

  List<SymbolicTensor> inputs() {
    return inputs;
  }

  List<SymbolicTensor> outputs() {
    return outputs;
  }

  /** The calls in the order they run (inputs excluded). */
  List<Node> nodes() {
    return nodes;
  }

  /** Every layer: the inputs' first, then each other in the order of its first call. */
  List<Layer> layers() {
    return layers;
  }

  /** Whether a call of this graph reads {@code t} (an output may also feed other layers). */
  boolean isRead(SymbolicTensor t) {
    return read.contains(t);
  }

  /**
   * Runs the graph on a batch: {@code batch} holds one tensor per input. A node in {@code logits}
   * (an output layer ending in a softmax that the loss takes over) stops before its softmax.
   */
  List<Tensor> run(Step step, List<Tensor> batch, Set<Node> logits) {
    Map<SymbolicTensor, Tensor> values = new IdentityHashMap<>();
    for (int i = 0; i < inputs.size(); i++) values.put(inputs.get(i), batch.get(i));
    for (Node node : nodes) {
      List<Tensor> in = new ArrayList<>(node.inputs().size());
      for (SymbolicTensor t : node.inputs()) in.add(values.get(t));
      List<Tensor> out =
          logits.contains(node)
              ? List.of(((SoftmaxOutput) node.layer()).forwardLogits(step, in.get(0)))
              : node.layer().forward(step, in);
      for (int i = 0; i < out.size(); i++) values.put(node.outputs().get(i), out.get(i));
    }
    List<Tensor> result = new ArrayList<>(outputs.size());
    for (SymbolicTensor t : outputs) result.add(values.get(t));
    return result;
  }
}
