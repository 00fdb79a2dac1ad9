package org.cnn4j.models;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.tensor.Parameter;

/**
 * Keras 3's {@code model.summary()} table, as its rich table prints on an 80-column console: three
 * columns for a Sequential or a chain-shaped functional model, four with "Connected to" for any
 * other graph. A cell's text wraps at spaces; a word wider than its column ends in "…", so long
 * names never break the columns.
 */
final class SummaryTable {
  private static final int[] CHAIN = {33, 24, 15};
  private static final int[] GRAPH = {21, 19, 12, 19};

  private SummaryTable() {}

  static void print(Model model, PrintStream out) {
    boolean chain = model instanceof Sequential || isChain(model);
    int[] widths = chain ? CHAIN : GRAPH;
    Set<Node> inGraph = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    inGraph.addAll(model.graphNodes());
    StringBuilder sb = new StringBuilder();
    sb.append("Model: \"").append(model.name()).append("\"\n");
    sb.append(rule(widths, '┏', '━', '┳', '┓'));
    List<String> header = new ArrayList<>(List.of("Layer (type)", "Output Shape", "Param #"));
    if (!chain) header.add("Connected to");
    sb.append(row(widths, '┃', header));
    sb.append(rule(widths, '┡', '━', '╇', '┩'));
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      List<String> cells = new ArrayList<>();
      cells.add(l.describe());
      cells.add(outputShapes(l, inGraph));
      cells.add(String.format(Locale.ROOT, "%,d", l.countParams()));
      if (!chain) cells.add(connections(l, inGraph));
      sb.append(row(widths, '│', cells));
      if (i < layers.size() - 1) sb.append(rule(widths, '├', '─', '┼', '┤'));
    }
    sb.append(rule(widths, '└', '─', '┴', '┘'));
    long total = count(model.parameters());
    long trainable = count(model.trainableParameters());
    sb.append(count("Total params", total));
    sb.append(count("Trainable params", trainable));
    sb.append(count("Non-trainable params", total - trainable));
    out.print(sb);
    out.flush();
  }

  private static long count(List<Parameter> params) {
    return params.stream().mapToLong(p -> p.shape().size()).sum();
  }

  /**
   * Keras' test for a sequential-like functional model: one input and output, every call reads one
   * tensor, and no layer runs at two places.
   */
  private static boolean isChain(Model model) {
    if (model.inputs().size() != 1 || model.outputs().size() != 1) return false;
    Set<Layer> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    Set<SymbolicTensor> read = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : model.graphNodes()) {
      if (n.inputs().size() != 1 || !seen.add(n.layer()) || !read.add(n.inputs().get(0))) {
        return false;
      }
    }
    return true;
  }

  /** The output shapes of the layer's first call in this graph. */
  private static String outputShapes(Layer l, Set<Node> inGraph) {
    Node node =
        l.nodes().stream()
            .filter(n -> inGraph.contains(n) || n.inputs().isEmpty())
            .findFirst()
            .orElse(l.nodes().get(0));
    List<String> shapes = node.outputs().stream().map(t -> t.shape().toBatchString()).toList();
    return shapes.size() == 1 ? shapes.get(0) : shapes.toString();
  }

  /**
   * Keras' "Connected to": {@code layer[node][tensor]} for each input of each call in the graph.
   */
  private static String connections(Layer l, Set<Node> inGraph) {
    List<String> parts = new ArrayList<>();
    for (Node n : l.nodes()) {
      if (!inGraph.contains(n)) continue;
      for (SymbolicTensor t : n.inputs()) {
        parts.add(t.layer().displayName() + "[" + t.node().index() + "][" + t.index() + "]");
      }
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  private static String rule(int[] widths, char left, char fill, char cross, char right) {
    StringBuilder sb = new StringBuilder().append(left);
    for (int i = 0; i < widths.length; i++) {
      sb.append(String.valueOf(fill).repeat(widths[i]));
      sb.append(i < widths.length - 1 ? cross : right);
    }
    return sb.append('\n').toString();
  }

  /** One table row, as many text lines as its tallest wrapped cell; numbers align right. */
  private static String row(int[] widths, char bar, List<String> cells) {
    List<List<String>> wrapped = new ArrayList<>();
    int lines = 1;
    for (int i = 0; i < cells.size(); i++) {
      List<String> w = wrap(cells.get(i), widths[i] - 2);
      wrapped.add(w);
      lines = Math.max(lines, w.size());
    }
    StringBuilder sb = new StringBuilder();
    for (int line = 0; line < lines; line++) {
      sb.append(bar);
      for (int i = 0; i < cells.size(); i++) {
        List<String> w = wrapped.get(i);
        String text = line < w.size() ? w.get(line) : "";
        sb.append(' ').append(pad(text, widths[i] - 2, i == 2)).append(' ').append(bar);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * Greedy word wrap at spaces to {@code width} columns, as rich does; a word wider than the column
   * is cut to {@code width - 1} characters and "…".
   */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (word.length() > width) word = word.substring(0, width - 1) + "…";
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) line.append(' ');
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  private static String pad(String s, int width, boolean right) {
    if (s.length() >= width) return s;
    String space = " ".repeat(width - s.length());
    return right ? space + s : s + space;
  }

  private static String count(String label, long params) {
    return String.format(Locale.ROOT, " %s: %,d (%s)%n", label, params, bytes(params * 4));
  }

  /** Keras' readable_memory_size: powers of 1024, two decimals. */
  static String bytes(long b) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double v = b;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
  }
}
