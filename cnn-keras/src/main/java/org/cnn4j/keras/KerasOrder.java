package org.cnn4j.keras;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.tensor.Parameter;

/**
 * Keras' order of a model's layers ({@code model.layers}), on which its weight files depend: a
 * Sequential's layers as stacked, without the input; a functional model's by decreasing depth from
 * the outputs, ties broken by the order a depth-first walk from the outputs first meets them
 * (Keras' {@code map_graph}), InputLayers included. A {@code .keras} file names each layer's
 * weights after this order ({@code layers/conv2d_1/vars/0} is the second Conv2D in it), and a
 * legacy file orders a nested model's weights by it.
 */
final class KerasOrder {
  private KerasOrder() {}

  /** The model's layers in Keras' order. */
  static List<Layer> layers(Model model) {
    if (model instanceof Sequential) return model.layers();
    Set<Node> inModel = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Node> postorder = new ArrayList<>();
    Map<Layer, Integer> firstSeen = new IdentityHashMap<>();
    Set<Node> finished = Collections.newSetFromMap(new IdentityHashMap<>());
    for (SymbolicTensor out : model.outputs()) walk(out.node(), finished, postorder, firstSeen);
    inModel.addAll(postorder);
    Map<Node, Integer> nodeDepth = new IdentityHashMap<>();
    Map<Layer, Integer> layerDepth = new IdentityHashMap<>();
    for (int i = postorder.size() - 1; i >= 0; i--) {
      Node node = postorder.get(i);
      int depth = nodeDepth.getOrDefault(node, 0);
      depth = Math.max(depth, layerDepth.getOrDefault(node.layer(), 0));
      layerDepth.put(node.layer(), depth);
      nodeDepth.put(node, depth);
      for (SymbolicTensor in : node.inputs()) {
        Node parent = in.node();
        if (!inModel.contains(parent)) continue;
        nodeDepth.put(parent, Math.max(depth + 1, nodeDepth.getOrDefault(parent, 0)));
      }
    }
    List<Layer> layers = new ArrayList<>(layerDepth.keySet());
    layers.sort(
        Comparator.comparingInt((Layer l) -> -layerDepth.get(l)).thenComparingInt(firstSeen::get));
    return layers;
  }

  private static void walk(
      Node node, Set<Node> finished, List<Node> postorder, Map<Layer, Integer> firstSeen) {
    if (finished.contains(node)) return;
    firstSeen.putIfAbsent(node.layer(), firstSeen.size());
    for (SymbolicTensor in : node.inputs()) walk(in.node(), finished, postorder, firstSeen);
    finished.add(node);
    postorder.add(node);
  }

  /**
   * Keras' {@code naming.to_snake_case} of a class name: "DepthwiseConv2D" is "depthwise_conv2d".
   */
  static String snakeCase(String className) {
    String s = className.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Each layer's name in a {@code .keras} weights file: the snake-case class name, numbered from
   * the second of a class on ({@code conv2d}, {@code conv2d_1}, ...), in Keras' order.
   */
  static Map<Layer, String> containerNames(Model model) {
    Map<Layer, String> names = new LinkedHashMap<>();
    Map<String, Integer> used = new HashMap<>();
    for (Layer l : layers(model)) {
      String name = snakeCase(l.typeName());
      Integer n = used.get(name);
      used.put(name, n == null ? 0 : n + 1);
      names.put(l, n == null ? name : name + "_" + (n + 1));
    }
    return names;
  }

  /** A weight with the layer that holds it (its own, not a nested model). */
  record Weight(Layer layer, int index, Parameter parameter) {}

  /** The layer's weights in Keras' order ({@code layer.weights}), nested models expanded. */
  static List<Weight> weights(Layer layer) {
    List<Weight> out = new ArrayList<>();
    if (layer instanceof Model m) {
      Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Layer l : layers(m)) for (Weight w : weights(l)) if (seen.add(w.parameter)) out.add(w);
      return out;
    }
    List<Parameter> ps = layer.parameters();
    for (int i = 0; i < ps.size(); i++) out.add(new Weight(layer, i, ps.get(i)));
    return out;
  }

  /**
   * The order of a legacy HDF5 file's weights of one layer: Keras' {@code trainable_weights +
   * non_trainable_weights}, so a nested model lists all weights that train (of any sublayer) before
   * those that do not (moving statistics, frozen layers).
   */
  static List<Weight> legacyWeights(Layer layer) {
    List<Weight> all = weights(layer);
    List<Weight> trainable = new ArrayList<>();
    List<Weight> frozen = new ArrayList<>();
    for (Weight w : all) {
      boolean trains = w.parameter.trainable() && w.layer.trainable() && layer.trainable();
      (trains ? trainable : frozen).add(w);
    }
    trainable.addAll(frozen);
    return trainable;
  }
}
