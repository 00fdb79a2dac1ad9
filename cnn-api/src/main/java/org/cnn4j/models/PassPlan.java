package org.cnn4j.models;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormFold;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.InPlaceLayer;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.PaddingFold;
import org.cnn4j.layers.SymbolicTensor;

/**
 * What a {@link Graph} decides about its buffers once, from its shape: when each tensor is last
 * read, which activations may overwrite their input, which tensors no backward reads, which
 * convolutions take a ZeroPadding2D before them as their own padding, and which convolutions
 * inference may run with their BatchNormalization folded in.
 */
final class PassPlan {
  // deadAfter.get(i): the tensors no call after node i reads and no output is (an unread output of
  // node i among them), whose buffers may be freed once node i ran.
  private final List<List<SymbolicTensor>> deadAfter;
  // The calls that may write their output over their input (see InPlaceLayer).
  private final Set<Node> inPlace;
  // The tensors no backward reads (Layer.inputsReadByBackward, outputOverwritable), freed in
  // training too once their last reader ran.
  private final Set<SymbolicTensor> unreadByBackward;
  // In inference, the convolutions whose BatchNormalization (then maybe a residual addition, then
  // maybe an activation) can run folded into them (BatchNormFold), by the convolution's node.
  private final Map<Node, ConvFold> folds;
  // The ZeroPadding2D calls a convolution takes as its own padding (PaddingFold), by the
  // convolution's node, in training and inference: such a call runs nothing, its output never
  // exists, and the convolution reads the padding's input. Every other decision here is made on
  // the graph as it runs, with those reads.
  private final Map<Node, Node> paddingFolds;
  private final Set<Node> takenPaddings;
  private final long activationFloatsPerRow;

  PassPlan(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, List<Node> nodes) {
    Set<SymbolicTensor> isOutput = Graph.identitySet();
    isOutput.addAll(outputs);
    this.paddingFolds = paddingFolds(readers(nodes, Node::inputs), isOutput, nodes);
    this.takenPaddings = Graph.identitySet();
    takenPaddings.addAll(paddingFolds.values());
    Map<SymbolicTensor, List<Node>> readers = readers(nodes, this::inputsOf);
    this.deadAfter = deadAfter(inputs, outputs, nodes);
    this.inPlace = inPlace(readers, isOutput, nodes);
    this.unreadByBackward = unreadByBackward(inputs, outputs, nodes);
    this.folds = folds(readers, isOutput, nodes);
    long floats = 0;
    for (Node n : nodes) for (SymbolicTensor t : outputsOf(n)) floats += t.shape().size();
    this.activationFloatsPerRow = floats;
  }

  private static Map<SymbolicTensor, List<Node>> readers(
      List<Node> nodes, Function<Node, List<SymbolicTensor>> inputs) {
    Map<SymbolicTensor, List<Node>> readers = new IdentityHashMap<>();
    for (Node n : nodes) {
      for (SymbolicTensor t : inputs.apply(n)) {
        readers.computeIfAbsent(t, k -> new ArrayList<>()).add(n);
      }
    }
    return readers;
  }

  /**
   * What {@code node} reads as the graph runs: a convolution that took over a ZeroPadding2D reads
   * the padding's input, a taken padding nothing.
   */
  List<SymbolicTensor> inputsOf(Node node) {
    if (takenPaddings.contains(node)) return List.of();
    Node padding = paddingFolds.get(node);
    return padding == null ? node.inputs() : padding.inputs();
  }

  /** What {@code node} computes as the graph runs: nothing for a taken padding. */
  private List<SymbolicTensor> outputsOf(Node node) {
    return takenPaddings.contains(node) ? List.of() : node.outputs();
  }

  /** The ZeroPadding2D call convolution {@code conv} takes over ({@link PaddingFold}), or null. */
  Node paddingBefore(Node conv) {
    return paddingFolds.get(conv);
  }

  /** Whether {@code node} is a ZeroPadding2D call a convolution took over: it does not run. */
  boolean takenOver(Node node) {
    return takenPaddings.contains(node);
  }

  /**
   * Each convolution whose input is the output of a ZeroPadding2D call that it alone reads and no
   * model output is, where {@link PaddingFold#applies}.
   */
  private static Map<Node, Node> paddingFolds(
      Map<SymbolicTensor, List<Node>> readers, Set<SymbolicTensor> isOutput, List<Node> nodes) {
    Map<Node, Node> result = new IdentityHashMap<>();
    for (Node conv : nodes) {
      if (conv.inputs().size() != 1) continue;
      SymbolicTensor padded = conv.inputs().get(0);
      Node padding = padded.node();
      if (padding.inputs().size() == 1
          && readers.get(padded).size() == 1
          && !isOutput.contains(padded)
          && PaddingFold.applies(padding.layer(), conv.layer(), padding.inputs().get(0).shape())) {
        result.put(conv, padding);
      }
    }
    return result;
  }

  /** The floats of every call's outputs for one row of a batch. */
  long activationFloatsPerRow() {
    return activationFloatsPerRow;
  }

  /** The tensors whose last reader is node {@code i} (or that node's unread outputs). */
  List<SymbolicTensor> deadAfter(int i) {
    return deadAfter.get(i);
  }

  /** Whether {@code node} (an {@link InPlaceLayer}'s call) may overwrite its input. */
  boolean inPlace(Node node) {
    return inPlace.contains(node);
  }

  /** Whether no backward reads {@code t}'s values. */
  boolean unreadByBackward(SymbolicTensor t) {
    return unreadByBackward.contains(t);
  }

  /**
   * What inference folds into a convolution: its BatchNormalization, then maybe the residual
   * addition that alone reads the normalized output ({@code add}, adding {@code shortcut}), then
   * maybe the activation that alone reads what came before. The fold writes its output over the
   * shortcut's buffer, which nothing reads after the addition.
   */
  record ConvFold(Node norm, Node add, SymbolicTensor shortcut, Node activation) {
    /** The nodes the fold takes over, in order. */
    List<Node> taken() {
      List<Node> taken = new ArrayList<>(List.of(norm));
      if (add != null) taken.add(add);
      if (activation != null) taken.add(activation);
      return taken;
    }
  }

  /** What inference folds into convolution {@code conv}, or null. */
  ConvFold fold(Node conv) {
    return folds.get(conv);
  }

  /**
   * Each convolution whose output only a BatchNormalization reads, with that node; then the
   * addition that alone reads the normalized output, where its other input's buffer may be written
   * over ({@link #overwritable}); then, when the result goes only to an activation a convolution
   * can apply, that one too.
   */
  private Map<Node, ConvFold> folds(
      Map<SymbolicTensor, List<Node>> readers, Set<SymbolicTensor> isOutput, List<Node> nodes) {
    Map<Node, Integer> order = new IdentityHashMap<>();
    for (int i = 0; i < nodes.size(); i++) order.put(nodes.get(i), i);
    Map<Node, ConvFold> result = new IdentityHashMap<>();
    for (Node conv : nodes) {
      if (conv.inputs().size() != 1 || conv.outputs().size() != 1) continue;
      Node norm = onlyReader(readers, isOutput, conv.outputs().get(0));
      if (norm == null || !BatchNormFold.applies(conv.layer(), norm.layer())) continue;
      SymbolicTensor normalized = norm.outputs().get(0);
      Node add = onlyReader(readers, isOutput, normalized);
      SymbolicTensor shortcut = null;
      if (add != null && add.layer() instanceof Add && add.inputs().size() == 2) {
        shortcut = add.inputs().get(add.inputs().get(0) == normalized ? 1 : 0);
        if (shortcut == normalized
            || !shortcut.shape().equals(normalized.shape()) // no broadcast
            || !overwritable(shortcut, conv, add, readers, isOutput, order)) {
          shortcut = null;
        }
      }
      if (shortcut == null) add = null;
      SymbolicTensor last = add == null ? normalized : add.outputs().get(0);
      // inPlace holds only activations that alone read an output which no model output is.
      List<Node> after = readers.getOrDefault(last, List.of());
      Node act =
          !isOutput.contains(last)
                  && after.size() == 1
                  && inPlace.contains(after.get(0))
                  && BatchNormFold.fusable(after.get(0).layer())
              ? after.get(0)
              : null;
      result.put(conv, new ConvFold(norm, add, shortcut, act));
    }
    return result;
  }

  /** The one node that reads {@code t}, where it is not a model output; else null. */
  private static Node onlyReader(
      Map<SymbolicTensor, List<Node>> readers, Set<SymbolicTensor> isOutput, SymbolicTensor t) {
    List<Node> next = readers.getOrDefault(t, List.of());
    return next.size() == 1 && !isOutput.contains(t) ? next.get(0) : null;
  }

  /**
   * Whether a fold at {@code conv} may write its output over {@code shortcut}, the other input of
   * {@code add}: the shortcut exists by then and nothing reads it after that (every other reader
   * runs before the convolution), it is no model input or output, and its buffer is its own (made
   * by a convolution, normalization or addition, maybe then activated in place), not shared with a
   * value something still reads (a view, a dropout passing its input through).
   */
  private boolean overwritable(
      SymbolicTensor shortcut,
      Node conv,
      Node add,
      Map<SymbolicTensor, List<Node>> readers,
      Set<SymbolicTensor> isOutput,
      Map<Node, Integer> order) {
    Integer made = order.get(shortcut.node());
    int at = order.get(conv);
    if (made == null || made >= at || isOutput.contains(shortcut)) return false;
    for (Node reader : readers.get(shortcut)) {
      if (reader != add && order.get(reader) >= at) return false;
    }
    SymbolicTensor t = shortcut;
    while (inPlace.contains(t.node())) t = inputsOf(t.node()).get(0);
    Layer maker = t.layer();
    return maker instanceof Conv2D
        || maker instanceof DepthwiseConv2D
        || maker instanceof BatchNormalization
        || maker instanceof Add;
  }

  private Set<SymbolicTensor> unreadByBackward(
      List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, List<Node> nodes) {
    Set<SymbolicTensor> result = Graph.identitySet();
    for (Node n : nodes) {
      for (SymbolicTensor t : outputsOf(n)) if (t.layer().outputOverwritable()) result.add(t);
    }
    for (Node n : nodes) {
      if (n.layer().inputsReadByBackward()) inputsOf(n).forEach(result::remove);
    }
    inputs.forEach(result::remove);
    outputs.forEach(result::remove);
    return result;
  }

  /**
   * The calls of an {@link InPlaceLayer} whose one input is read by nothing else, is not a model
   * output, and comes from a layer that lets its output be overwritten.
   */
  private Set<Node> inPlace(
      Map<SymbolicTensor, List<Node>> readers, Set<SymbolicTensor> isOutput, List<Node> nodes) {
    Set<Node> result = Graph.identitySet();
    for (Node n : nodes) {
      if (takenPaddings.contains(n) || n.inputs().size() != 1) continue;
      SymbolicTensor x = inputsOf(n).get(0);
      if (n.layer() instanceof InPlaceLayer layer
          && layer.canRunInPlace()
          && readers.get(x).size() == 1
          && !isOutput.contains(x)
          && !(x.layer() instanceof Input)
          && x.layer().outputOverwritable()) {
        result.add(n);
      }
    }
    return result;
  }

  private List<List<SymbolicTensor>> deadAfter(
      List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, List<Node> nodes) {
    Map<SymbolicTensor, Integer> lastUse = new IdentityHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (SymbolicTensor t : outputsOf(nodes.get(i))) lastUse.put(t, i);
      for (SymbolicTensor t : inputsOf(nodes.get(i))) lastUse.put(t, i);
    }
    for (SymbolicTensor t : inputs) lastUse.remove(t); // the caller's
    for (SymbolicTensor t : outputs) lastUse.remove(t);
    List<List<SymbolicTensor>> dead = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) dead.add(new ArrayList<>());
    lastUse.forEach((t, i) -> dead.get(i).add(t));
    return dead.stream().map(List::copyOf).toList();
  }
}
