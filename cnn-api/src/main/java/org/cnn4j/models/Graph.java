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
import org.cnn4j.layers.BatchNormFold;
import org.cnn4j.layers.InPlaceLayer;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.SoftmaxOutput;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.spi.DeviceBuffer;
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
  // deadAfter.get(i): the tensors no call after node i reads and no output is (an unread output of
  // node i among them), whose buffers inference may free once node i ran.
  private final List<List<SymbolicTensor>> deadAfter;
  // The calls that may write their output over their input (see InPlaceLayer).
  private final Set<Node> inPlace;
  // The tensors no backward reads (Layer.inputsReadByBackward, outputOverwritable), freed in
  // training too once their last reader ran.
  private final Set<SymbolicTensor> unreadByBackward;
  // In inference, the convolutions whose BatchNormalization (and activation) can run folded into
  // them (BatchNormFold): the convolution's node to the nodes it takes over.
  private final Map<Node, List<Node>> folds;

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
    this.deadAfter = deadAfter(inputs, outputs, nodes);
    this.inPlace = inPlace(outputs, nodes);
    this.unreadByBackward = unreadByBackward(inputs, outputs, nodes);
    this.folds = folds(outputs, nodes, inPlace);
  }

  /**
   * Each convolution whose output only a BatchNormalization reads, with that node and, when the
   * normalized output goes only to an activation a convolution can apply, that one too.
   */
  private static Map<Node, List<Node>> folds(
      List<SymbolicTensor> outputs, List<Node> nodes, Set<Node> inPlace) {
    Map<SymbolicTensor, List<Node>> readers = new IdentityHashMap<>();
    for (Node n : nodes) {
      for (SymbolicTensor t : n.inputs()) readers.computeIfAbsent(t, k -> new ArrayList<>()).add(n);
    }
    Map<Node, List<Node>> result = new IdentityHashMap<>();
    for (Node conv : nodes) {
      if (conv.inputs().size() != 1 || conv.outputs().size() != 1) continue;
      List<Node> next = readers.getOrDefault(conv.outputs().get(0), List.of());
      if (next.size() != 1
          || outputs.stream().anyMatch(t -> t == conv.outputs().get(0))
          || !BatchNormFold.applies(conv.layer(), next.get(0).layer())) {
        continue;
      }
      Node norm = next.get(0);
      // inPlace holds only activations that alone read an output which no model output is.
      List<Node> after = readers.getOrDefault(norm.outputs().get(0), List.of());
      Node act =
          after.size() == 1
                  && inPlace.contains(after.get(0))
                  && BatchNormFold.fusable(after.get(0).layer())
              ? after.get(0)
              : null;
      result.put(conv, act == null ? List.of(norm) : List.of(norm, act));
    }
    return result;
  }

  private static Set<SymbolicTensor> unreadByBackward(
      List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, List<Node> nodes) {
    Set<SymbolicTensor> result = identitySet();
    for (Node n : nodes) {
      for (SymbolicTensor t : n.outputs()) if (t.layer().outputOverwritable()) result.add(t);
    }
    for (Node n : nodes) {
      if (n.layer().inputsReadByBackward()) n.inputs().forEach(result::remove);
    }
    inputs.forEach(result::remove);
    outputs.forEach(result::remove);
    return result;
  }

  /**
   * The calls of an {@link InPlaceLayer} whose one input is read by nothing else, is not a model
   * output, and comes from a layer that lets its output be overwritten.
   */
  private static Set<Node> inPlace(List<SymbolicTensor> outputs, List<Node> nodes) {
    Map<SymbolicTensor, Integer> readers = new IdentityHashMap<>();
    for (Node n : nodes) for (SymbolicTensor t : n.inputs()) readers.merge(t, 1, Integer::sum);
    for (SymbolicTensor t : outputs) readers.merge(t, 1, Integer::sum);
    Set<Node> result = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : nodes) {
      if (n.inputs().size() != 1) continue;
      SymbolicTensor x = n.inputs().get(0);
      if (n.layer() instanceof InPlaceLayer layer
          && layer.canRunInPlace()
          && readers.get(x) == 1
          && !(x.layer() instanceof Input)
          && x.layer().outputOverwritable()) {
        result.add(n);
      }
    }
    return result;
  }

  private static List<List<SymbolicTensor>> deadAfter(
      List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, List<Node> nodes) {
    Map<SymbolicTensor, Integer> lastUse = new IdentityHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (SymbolicTensor t : nodes.get(i).outputs()) lastUse.put(t, i);
      for (SymbolicTensor t : nodes.get(i).inputs()) lastUse.put(t, i);
    }
    for (SymbolicTensor t : inputs) lastUse.remove(t); // the caller's
    for (SymbolicTensor t : outputs) lastUse.remove(t);
    List<List<SymbolicTensor>> dead = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) dead.add(new ArrayList<>());
    lastUse.forEach((t, i) -> dead.get(i).add(t));
    return dead.stream().map(List::copyOf).toList();
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

  private static <T> Set<T> identitySet() {
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
   *
   * <p>Buffers are freed as soon as nothing reads them again, so a pass holds its live activations
   * rather than all of them: in inference a call's buffers go after the last call reading them; in
   * training each call's forward and backward buffers go once its backward ran (the calls after it
   * have run theirs by then), its outputs' gradients with them. The outputs' buffers stay.
   */
  List<Tensor> run(Step step, List<Tensor> batch, Set<Node> logits) {
    Map<SymbolicTensor, Tensor> values = new IdentityHashMap<>();
    for (int i = 0; i < inputs.size(); i++) values.put(inputs.get(i), batch.get(i));
    Set<DeviceBuffer> kept = identitySet(); // the outputs' buffers, filled once they exist
    LiveBuffers live = step.training() ? null : new LiveBuffers(step);
    Set<Node> folded = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      if (live != null && runFolded(step, node, i, values, folded, live)) continue;
      List<Tensor> in = new ArrayList<>(node.inputs().size());
      for (SymbolicTensor t : node.inputs()) in.add(values.get(t));
      boolean recording = step.recording();
      int mark = step.allocationMark();
      int[] backwardMark = new int[1];
      List<Tensor> outHolder = new ArrayList<>();
      List<DeviceBuffer> forwardSpan = new ArrayList<>();
      // Recorded before the call's own backward, so it runs right after it.
      if (recording) {
        step.record(() -> freeAfterBackward(step, in, outHolder, forwardSpan, backwardMark, kept));
      }
      List<Tensor> out =
          logits.contains(node)
              ? List.of(((SoftmaxOutput) node.layer()).forwardLogits(step, in.get(0)))
              : inPlace.contains(node)
                  ? List.of(((InPlaceLayer) node.layer()).forwardInPlace(step, in.get(0)))
                  : node.layer().forward(step, in);
      for (int k = 0; k < out.size(); k++) values.put(node.outputs().get(k), out.get(k));
      if (recording) {
        outHolder.addAll(out);
        forwardSpan.addAll(step.allocatedSince(mark));
        step.record(() -> backwardMark[0] = step.allocationMark()); // runs just before its backward
        for (SymbolicTensor t : deadAfter.get(i)) {
          if (unreadByBackward.contains(t)) step.free(values.remove(t).buffer());
        }
      } else if (live != null) {
        live.afterCall(step.allocatedSince(mark), out, deadAfter.get(i), values);
      }
    }
    List<Tensor> result = new ArrayList<>(outputs.size());
    for (SymbolicTensor t : outputs) result.add(values.get(t));
    for (Tensor t : result) kept.add(t.buffer());
    return result;
  }

  /**
   * In inference, runs {@code node} as {@link BatchNormFold} when it is a convolution whose
   * normalization can be folded and it pays, or passes over a node a fold took over; false for a
   * node to run as usual.
   */
  private boolean runFolded(
      Step step,
      Node node,
      int index,
      Map<SymbolicTensor, Tensor> values,
      Set<Node> folded,
      LiveBuffers live) {
    if (folded.contains(node)) {
      live.afterCall(List.of(), List.of(), deadAfter.get(index), values);
      return true;
    }
    List<Node> fold = folds.get(node);
    if (fold == null) return false;
    Tensor x = values.get(node.inputs().get(0));
    if (!BatchNormFold.worthIt(node.layer(), x)) return false;
    int mark = step.allocationMark();
    Layer act = fold.size() > 1 ? fold.get(1).layer() : null;
    Tensor y = BatchNormFold.run(step, node.layer(), fold.get(0).layer(), act, x);
    Node last = fold.get(fold.size() - 1);
    values.put(last.outputs().get(0), y);
    folded.addAll(fold);
    live.afterCall(step.allocatedSince(mark), List.of(y), deadAfter.get(index), values);
    return true;
  }

  /**
   * After a call's backward: its outputs' gradients let go, its forward and backward spans freed.
   */
  private static void freeAfterBackward(
      Step step,
      List<Tensor> in,
      List<Tensor> out,
      List<DeviceBuffer> forwardSpan,
      int[] backwardMark,
      Set<DeviceBuffer> kept) {
    for (Tensor t : out) {
      // A layer that passes an input through returns the input's own tensor, whose gradient the
      // call that computed it still needs.
      if (in.stream().noneMatch(x -> x == t)) step.releaseGradient(t);
    }
    for (DeviceBuffer b : forwardSpan) if (!kept.contains(b)) step.free(b);
    for (DeviceBuffer b : step.allocatedSince(backwardMark[0])) if (!kept.contains(b)) step.free(b);
  }

  /**
   * In inference, how many live values hold each buffer: a call's buffers are freed when none does,
   * right after the call for its scratch, after their last reader for its outputs.
   */
  private final class LiveBuffers {
    private final Step step;
    private final Map<DeviceBuffer, Integer> holders = new IdentityHashMap<>();
    private final Set<DeviceBuffer> spans = identitySet();

    LiveBuffers(Step step) {
      this.step = step;
    }

    void afterCall(
        List<DeviceBuffer> span,
        List<Tensor> out,
        List<SymbolicTensor> dead,
        Map<SymbolicTensor, Tensor> values) {
      for (Tensor t : out) holders.merge(t.buffer(), 1, Integer::sum);
      spans.addAll(span);
      for (SymbolicTensor t : dead) {
        Tensor v = values.remove(t);
        if (v == null) continue; // a tensor a fold did not compute
        DeviceBuffer b = v.buffer();
        int n = holders.merge(b, -1, Integer::sum);
        if (n == 0 && spans.contains(b)) step.free(b);
      }
      for (DeviceBuffer b : span) if (holders.getOrDefault(b, 0) == 0) step.free(b);
    }
  }
}
