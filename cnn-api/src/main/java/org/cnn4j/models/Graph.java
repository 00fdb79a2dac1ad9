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
import org.cnn4j.layers.PaddingFold;
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
  private final PassPlan plan;
  // The folds inference keeps between passes (BatchNormFold.Kept), by convolution node; lanes
  // running one pass look them up at once.
  private final Map<Node, BatchNormFold.Kept> keptFolds =
      java.util.Collections.synchronizedMap(new IdentityHashMap<>());
  private boolean closed;

  /** The activations (floats over all calls' outputs) from which a pass frees buffers early. */
  static final long PLANNED_FLOATS = 1L << 20;

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
    this.plan = new PassPlan(inputs, outputs, nodes);
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
    Set<Node> reached = identitySet();
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

  /** A set by identity (graph tensors, nodes and buffers are compared by identity). */
  static <T> Set<T> identitySet() {
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
   * rather than all of them (in a pass of at least {@link #PLANNED_FLOATS} floats of activations):
   * in inference a call's buffers go after the last call reading them; in training each call's
   * forward and backward buffers go once its backward ran (the calls after it have run theirs by
   * then), its outputs' gradients with them. The outputs' buffers stay.
   */
  List<Tensor> run(Step step, List<Tensor> batch, Set<Node> logits) {
    Map<SymbolicTensor, Tensor> values = new IdentityHashMap<>();
    for (int i = 0; i < inputs.size(); i++) values.put(inputs.get(i), batch.get(i));
    Set<DeviceBuffer> kept = identitySet(); // the outputs' buffers, filled once they exist
    // Planning pays where activations are large; a small network's pass has nothing to gain from
    // it and its bookkeeping would cost (W1 trains with 0.3 M floats of activations per lane).
    boolean planned =
        (long) batch.get(0).shape().dim(0) * plan.activationFloatsPerRow() >= PLANNED_FLOATS;
    boolean inference = !step.training();
    LiveBuffers live = inference && planned ? new LiveBuffers(step) : null;
    Set<Node> folded = identitySet();
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      if (plan.takenOver(node)) continue; // the convolution after it pads (PaddingFold)
      if (inference && runFolded(step, node, i, values, folded, live)) continue;
      List<SymbolicTensor> reads = plan.inputsOf(node);
      List<Tensor> in = new ArrayList<>(reads.size());
      for (SymbolicTensor t : reads) in.add(values.get(t));
      boolean recording = step.recording() && planned;
      int mark = step.allocationMark();
      CallBuffers call = recording ? new CallBuffers(step, in, kept) : null;
      // Recorded before the call's own backward, so it runs right after it.
      if (call != null) step.record(call::free);
      Node padding = plan.paddingBefore(node);
      List<Tensor> out =
          logits.contains(node)
              ? List.of(((SoftmaxOutput) node.layer()).forwardLogits(step, in.get(0)))
              : padding != null
                  ? List.of(PaddingFold.run(step, padding.layer(), node.layer(), in.get(0)))
                  : plan.inPlace(node)
                      ? List.of(((InPlaceLayer) node.layer()).forwardInPlace(step, in.get(0)))
                      : node.layer().forward(step, in);
      for (int k = 0; k < out.size(); k++) values.put(node.outputs().get(k), out.get(k));
      if (call != null) {
        call.forwardRan(out, mark);
        for (SymbolicTensor t : plan.deadAfter(i)) {
          if (plan.unreadByBackward(t)) step.free(values.remove(t).buffer());
        }
      } else if (live != null) {
        live.afterCall(step.allocatedSince(mark), out, plan.deadAfter(i), values);
      }
    }
    List<Tensor> result = new ArrayList<>(outputs.size());
    for (SymbolicTensor t : outputs) result.add(values.get(t));
    for (Tensor t : result) kept.add(t.buffer());
    return result;
  }

  /**
   * In inference, runs {@code node} as {@link BatchNormFold} when it is a convolution whose
   * normalization (and maybe a residual addition and an activation) can be folded and it pays, or
   * passes over a node a fold took over; false for a node to run as usual. {@code live} is null in
   * a pass that does not free early.
   */
  private boolean runFolded(
      Step step,
      Node node,
      int index,
      Map<SymbolicTensor, Tensor> values,
      Set<Node> folded,
      LiveBuffers live) {
    if (folded.contains(node)) {
      if (live != null) live.afterCall(List.of(), List.of(), plan.deadAfter(index), values);
      return true;
    }
    PassPlan.ConvFold fold = plan.fold(node);
    if (fold == null) return false;
    Tensor x = values.get(plan.inputsOf(node).get(0));
    Node padding = plan.paddingBefore(node);
    Layer norm = fold.norm().layer();
    boolean keep = BatchNormFold.keepable(node.layer(), norm);
    if (!keep && !BatchNormFold.worthIt(node.layer(), x)) return false;
    int mark = step.allocationMark();
    Tensor y =
        BatchNormFold.run(
            step,
            padding == null ? null : padding.layer(),
            node.layer(),
            norm,
            fold.activation() == null ? null : fold.activation().layer(),
            x,
            fold.shortcut() == null ? null : values.get(fold.shortcut()),
            keep ? keptFold(node) : null);
    List<Node> taken = fold.taken();
    values.put(taken.get(taken.size() - 1).outputs().get(0), y);
    folded.addAll(taken);
    if (live != null) {
      live.afterCall(step.allocatedSince(mark), List.of(y), plan.deadAfter(index), values);
    }
    return true;
  }

  private BatchNormFold.Kept keptFold(Node conv) {
    synchronized (keptFolds) {
      if (closed) throw new IllegalStateException("the model is closed");
      return keptFolds.computeIfAbsent(conv, k -> new BatchNormFold.Kept());
    }
  }

  /** Frees the folds kept between inference passes. */
  void close() {
    synchronized (keptFolds) {
      closed = true;
      keptFolds.values().forEach(BatchNormFold.Kept::close);
      keptFolds.clear();
    }
  }

  /** In training, one call's buffers, freed once its backward ran. */
  private static final class CallBuffers {
    private final Step step;
    private final List<Tensor> in;
    private final Set<DeviceBuffer> kept;
    private List<Tensor> out = List.of();
    private List<DeviceBuffer> forward = List.of();
    private int backwardMark;

    /** {@code kept}: the graph outputs' buffers, which stay (filled once the pass has them). */
    CallBuffers(Step step, List<Tensor> in, Set<DeviceBuffer> kept) {
      this.step = step;
      this.in = in;
      this.kept = kept;
    }

    /**
     * After the call's forward: its outputs and what it allocated since {@code mark}; records the
     * mark where its backward's allocations will start (run just before that backward).
     */
    void forwardRan(List<Tensor> out, int mark) {
      this.out = out;
      this.forward = step.allocatedSince(mark);
      step.record(() -> backwardMark = step.allocationMark());
    }

    /** After the call's backward: its outputs' gradients let go, its forward and backward freed. */
    void free() {
      for (Tensor t : out) {
        // A layer that passes an input through returns the input's own tensor, whose gradient
        // the call that computed it still needs.
        if (in.stream().noneMatch(x -> x == t)) step.releaseGradient(t);
      }
      for (DeviceBuffer b : forward) if (!kept.contains(b)) step.free(b);
      for (DeviceBuffer b : step.allocatedSince(backwardMark)) if (!kept.contains(b)) step.free(b);
    }
  }
}
