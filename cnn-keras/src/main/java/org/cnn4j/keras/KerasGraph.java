package org.cnn4j.keras;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.models.Functional;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Shape;

/**
 * Builds the cnn4j model a Keras model config describes: Sequential configs (a bare list of layers
 * in Keras 1 and 2.0, {@code {name, layers}} later; the input as an InputLayer or as the first
 * layer's {@code batch_input_shape}), functional ones ({@code Model} or {@code Functional}) with
 * Keras 2's nested-list nodes {@code [[["conv2d", 0, 0, {}]]]} or Keras 3's {@code {"args": [...],
 * "kwargs": {}}} nodes, and models nested as layers of others.
 *
 * <p>Every layer is checked before any is built, so one error lists every layer cnn4j cannot
 * import. A channels_first model is built NHWC: its (C, H, W) inputs become (H, W, C) and its
 * channel axes the last; {@link #flattensChannelsFirst} tells the weight loader which Flatten
 * layers ordered their output as (C, H, W).
 */
final class KerasGraph {
  private final KerasLayers.Context ctx;
  private final List<String> problems = new ArrayList<>();
  private final Map<Layer, Boolean> chwFlatten = new IdentityHashMap<>();
  private final List<Model> nested = new ArrayList<>();

  KerasGraph(KerasLayers.Context ctx) {
    this.ctx = ctx;
  }

  /** A model config's class and config object, whatever the Keras version's wrapping. */
  record ModelSpec(String className, Object config) {
    @SuppressWarnings("unchecked")
    static ModelSpec of(Map<String, Object> root) {
      Object cls = root.get("class_name");
      if (!(cls instanceof String c))
        throw new IllegalArgumentException("the model config has no class_name");
      return new ModelSpec(c, root.get("config"));
    }

    boolean sequential() {
      return className.equals("Sequential");
    }

    @SuppressWarnings("unchecked")
    List<Object> layers() {
      Object layers = config instanceof Map<?, ?> m ? m.get("layers") : config;
      if (!(layers instanceof List<?> l))
        throw new IllegalArgumentException(className + " config has no list of layers");
      return (List<Object>) l;
    }

    String name() {
      return config instanceof Map<?, ?> m && m.get("name") instanceof String s ? s : null;
    }

    boolean trainable() {
      return !(config instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("trainable")));
    }
  }

  static boolean isModelClass(String cls) {
    return cls.equals("Sequential") || cls.equals("Functional") || cls.equals("Model");
  }

  /** One layer entry of a model config, with its config renamed to Keras 2's argument names. */
  record Entry(String className, String name, Map<String, Object> config, Map<String, Object> raw) {
    @SuppressWarnings("unchecked")
    static Entry of(Object o, int index) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("class_name") instanceof String cls))
        throw new IllegalArgumentException(
            "layer " + index + " of the model config is not {class_name, config}");
      Map<String, Object> raw = (Map<String, Object>) m;
      Object cfg = raw.get("config");
      Map<String, Object> config =
          cfg instanceof Map<?, ?> c && !isModelClass(cls)
              ? KerasLayers.keras2Args(cls, (Map<String, Object>) c)
              : cfg instanceof Map<?, ?> c ? (Map<String, Object>) c : new LinkedHashMap<>();
      String name =
          raw.get("name") instanceof String n
              ? n
              : config.get("name") instanceof String n2 ? n2 : null;
      return new Entry(cls, name, config, raw);
    }

    String describe() {
      return "layer '" + (name == null ? "?" : name) + "' (" + className + ")";
    }
  }

  /** Whether any layer of the config, nested models included, is channels_first. */
  static boolean anyChannelsFirst(ModelSpec spec) {
    for (Object o : spec.layers()) {
      Entry e = Entry.of(o, 0);
      if (isModelClass(e.className)) {
        if (anyChannelsFirst(new ModelSpec(e.className, e.raw.get("config")))) return true;
      } else if (!e.className.equals("Flatten") && KerasLayers.channelsFirst(e.config)) {
        return true;
      }
    }
    return false;
  }

  /** Every layer cnn4j cannot import, as "layer 'name' (Class): why", nested models included. */
  List<String> check(ModelSpec spec, String where) {
    List<Object> layers = spec.layers();
    for (int i = 0; i < layers.size(); i++) {
      Entry e;
      try {
        e = Entry.of(layers.get(i), i);
      } catch (IllegalArgumentException ex) {
        problems.add(where + ex.getMessage());
        continue;
      }
      if (isModelClass(e.className)) {
        check(new ModelSpec(e.className, e.raw.get("config")), where + "model '" + e.name + "' > ");
        continue;
      }
      if (e.className.equals("InputLayer")) continue;
      if (!KerasLayers.SUPPORTED.contains(e.className)) {
        problems.add(where + e.describe() + ": " + KerasLayers.unknownClassMessage(e.className));
        continue;
      }
      try {
        KerasLayers.create(e.className, e.config, -1, ctx);
      } catch (KerasLayers.Unsupported ex) {
        problems.add(where + e.describe() + ": " + ex.getMessage());
      }
    }
    return problems;
  }

  /** The Flatten layers whose Keras output was ordered (C, H, W): a following Dense is permuted. */
  boolean flattensChannelsFirst(Layer flatten) {
    return chwFlatten.getOrDefault(flatten, false);
  }

  /** The models built for nested configs, which the outer model closes. */
  List<Model> nestedModels() {
    return nested;
  }

  /** Builds the model; call {@link #check} first. */
  Model build(ModelSpec spec, Backend backend) {
    Model model = spec.sequential() ? sequential(spec, backend) : functional(spec, backend);
    if (spec.name() != null) model.name(spec.name());
    if (!spec.trainable()) model.trainable(false);
    return model;
  }

  private Layer layer(Entry e, List<Shape> inputShapes, Backend backend) {
    if (isModelClass(e.className)) {
      Model m = build(new ModelSpec(e.className, e.raw.get("config")), backend);
      if (e.name != null) m.name(e.name);
      nested.add(m);
      return m;
    }
    int rank = inputShapes.isEmpty() ? -1 : inputShapes.get(0).rank();
    Layer l;
    try {
      l = KerasLayers.create(e.className, e.config, rank, ctx);
    } catch (KerasLayers.Unsupported ex) {
      throw new IllegalArgumentException(e.describe() + ": " + ex.getMessage(), ex);
    }
    if (ctx.channelsFirst && e.className.equals("Flatten") && rank == 3) {
      chwFlatten.put(l, !"channels_first".equals(e.config.get("data_format")));
    }
    return l;
  }

  // ---------------------------------------------------------------- Sequential

  private Model sequential(ModelSpec spec, Backend backend) {
    List<Object> raw = spec.layers();
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) entries.add(Entry.of(raw.get(i), i));
    if (entries.isEmpty()) throw new IllegalArgumentException("the Sequential model has no layers");
    Input input;
    int first = 0;
    Model firstModel = null;
    if (entries.get(0).className.equals("InputLayer")) {
      input = input(entries.get(0));
      first = 1;
    } else if (isModelClass(entries.get(0).className)) {
      // Keras 2's Sequential([base_model, ...]): the nested model's input is the Sequential's.
      firstModel = (Model) layer(entries.get(0), List.of(), backend);
      input = new Input(firstModel.inputShape().dims());
    } else {
      input = new Input(sampleShape(entries.get(0)));
    }
    // The layers are made with their input's rank known (a channels_first axis depends on it), so
    // shapes are traced on throwaway copies first.
    Shape shape = input.shape();
    List<Layer> stack = new ArrayList<>();
    stack.add(input);
    for (int i = first; i < entries.size(); i++) {
      Entry e = entries.get(i);
      Layer l = i == 0 && firstModel != null ? firstModel : layer(e, List.of(shape), backend);
      Shape out;
      if (l instanceof Model m) {
        out = m.outputShape();
      } else {
        Layer probe = layer(e, List.of(shape), backend);
        out = probe.apply(Input.of(shape.dims())).shape();
      }
      stack.add(l);
      shape = out;
    }
    return new Sequential(backend, 42L, stack.toArray(Layer[]::new));
  }

  private Input input(Entry e) {
    Input in = new Input(sampleShape(e));
    if (e.name != null) in.name(e.name);
    return in;
  }

  /** The sample shape (no batch axis) an InputLayer or a first layer declares, NHWC. */
  private int[] sampleShape(Entry e) {
    Map<String, Object> c = e.config;
    Object batch = c.get("batch_shape") != null ? c.get("batch_shape") : c.get("batch_input_shape");
    List<?> dims;
    if (batch instanceof List<?> b && !b.isEmpty()) dims = b.subList(1, b.size());
    else if (c.get("input_shape") instanceof List<?> s) dims = s;
    else if (c.get("shape") instanceof List<?> s) dims = s;
    else if (c.get("input_dim") != null) dims = List.of(c.get("input_dim"));
    else
      throw new IllegalArgumentException(
          e.describe()
              + " declares no input shape (batch_input_shape, batch_shape or an InputLayer)");
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(dims.get(i) instanceof Number n) || n.intValue() < 1) {
        throw new IllegalArgumentException(
            e.describe()
                + ": input shape "
                + KerasJson.write(dims)
                + " has sizes left open (None); cnn4j builds a model for one input size");
      }
      shape[i] = n.intValue();
    }
    if (ctx.channelsFirst && shape.length == 3) shape = new int[] {shape[1], shape[2], shape[0]};
    return shape;
  }

  // ---------------------------------------------------------------- Functional

  /** A reference to a tensor: a layer's call and which of its outputs. */
  private record Ref(String layer, int node, int index) {}

  private Model functional(ModelSpec spec, Backend backend) {
    if (!(spec.config() instanceof Map<?, ?> config))
      throw new IllegalArgumentException(spec.className() + " config is not an object");
    List<Object> raw = spec.layers();
    Map<String, List<List<SymbolicTensor>>> made = new HashMap<>();
    Map<String, Layer> layers = new HashMap<>();
    Map<String, Entry> entries = new LinkedHashMap<>();
    Map<String, List<List<Ref>>> pending = new LinkedHashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      Entry e = Entry.of(raw.get(i), i);
      if (e.name == null)
        throw new IllegalArgumentException("layer " + i + " of the model config has no name");
      if (entries.put(e.name, e) != null)
        throw new IllegalArgumentException(
            "two layers of the model config are named '" + e.name + "'");
      made.put(e.name, new ArrayList<>());
      if (e.className.equals("InputLayer")) {
        Input in = input(e);
        layers.put(e.name, in);
        made.get(e.name).add(List.of(in.output()));
        continue;
      }
      List<List<Ref>> calls = new ArrayList<>();
      Object nodes = e.raw.get("inbound_nodes");
      if (nodes instanceof List<?> list) for (Object n : list) calls.add(refs(n, e));
      pending.put(e.name, calls);
    }
    // Each layer's calls in order; a call waits until the tensors it reads exist (a shared layer's
    // second call may read a layer listed after it).
    boolean progress = true;
    while (progress && pending.values().stream().anyMatch(l -> !l.isEmpty())) {
      progress = false;
      for (var p : pending.entrySet()) {
        List<List<Ref>> calls = p.getValue();
        while (!calls.isEmpty()) {
          List<SymbolicTensor> inputs = resolve(calls.get(0), made);
          if (inputs == null) break;
          Layer l = layers.get(p.getKey());
          if (l == null) {
            l =
                layer(
                    entries.get(p.getKey()),
                    inputs.stream().map(SymbolicTensor::shape).toList(),
                    backend);
            layers.put(p.getKey(), l);
          }
          made.get(p.getKey()).add(l.applyAll(inputs));
          calls.remove(0);
          progress = true;
        }
      }
    }
    for (var p : pending.entrySet()) {
      if (!p.getValue().isEmpty()) {
        throw new IllegalArgumentException(
            "layer '"
                + p.getKey()
                + "' reads tensors no layer of the model makes (a missing layer or a cycle)");
      }
    }
    List<SymbolicTensor> ins = endpoints(config.get("input_layers"), made, "input_layers");
    List<SymbolicTensor> outs = endpoints(config.get("output_layers"), made, "output_layers");
    return new Functional(backend, 42L, ins, outs);
  }

  /** The tensors one inbound node reads, in either node style. */
  private static List<Ref> refs(Object node, Entry e) {
    List<Ref> out = new ArrayList<>();
    if (node instanceof Map<?, ?> m) {
      // Keras 3: {"args": [tensor] or [[tensor, tensor]], "kwargs": {...}}
      Object args = m.get("args");
      collectTensors(args, out, e);
      if (m.get("kwargs") instanceof Map<?, ?> kw) {
        List<Ref> extra = new ArrayList<>();
        collectTensors(new ArrayList<>(kw.values()), extra, e);
        if (!extra.isEmpty())
          throw new IllegalArgumentException(
              e.describe()
                  + " is called with a tensor as a keyword argument (a mask?), which cnn4j does not take");
      }
      return out;
    }
    if (node instanceof List<?> list) {
      // Keras 1 and 2: [["name", node, index, {kwargs}], ...]
      for (Object t : list) {
        if (!(t instanceof List<?> h) || h.size() < 3 || !(h.get(0) instanceof String name))
          throw new IllegalArgumentException(
              e.describe() + ": bad inbound node " + KerasJson.write(node));
        out.add(
            new Ref(name, Cfg.toInt("node_index", h.get(1)), Cfg.toInt("tensor_index", h.get(2))));
      }
      return out;
    }
    throw new IllegalArgumentException(
        e.describe() + ": bad inbound node " + KerasJson.write(node));
  }

  private static void collectTensors(Object o, List<Ref> out, Entry e) {
    if (o instanceof Map<?, ?> m && "__keras_tensor__".equals(m.get("class_name"))) {
      if (!(m.get("config") instanceof Map<?, ?> c)
          || !(c.get("keras_history") instanceof List<?> h)
          || h.size() != 3)
        throw new IllegalArgumentException(e.describe() + ": a tensor without keras_history");
      out.add(
          new Ref(
              String.valueOf(h.get(0)),
              Cfg.toInt("node_index", h.get(1)),
              Cfg.toInt("tensor_index", h.get(2))));
    } else if (o instanceof List<?> l) {
      for (Object x : l) collectTensors(x, out, e);
    }
  }

  private static List<SymbolicTensor> resolve(
      List<Ref> refs, Map<String, List<List<SymbolicTensor>>> made) {
    List<SymbolicTensor> out = new ArrayList<>();
    for (Ref r : refs) {
      List<List<SymbolicTensor>> calls = made.get(r.layer);
      if (calls == null)
        throw new IllegalArgumentException(
            "a layer reads '" + r.layer + "', which the model config does not list");
      if (r.node >= calls.size()) return null;
      List<SymbolicTensor> outs = calls.get(r.node);
      if (r.index >= outs.size())
        throw new IllegalArgumentException("layer '" + r.layer + "' has no output " + r.index);
      out.add(outs.get(r.index));
    }
    return out;
  }

  private static List<SymbolicTensor> endpoints(
      Object v, Map<String, List<List<SymbolicTensor>>> made, String key) {
    if (!(v instanceof List<?> list) || list.isEmpty())
      throw new IllegalArgumentException("the model config has no " + key);
    List<?> triples =
        list.get(0) instanceof String ? List.of(list) : list; // Keras 3 writes one triple bare
    List<Ref> refs = new ArrayList<>();
    for (Object t : triples) {
      if (!(t instanceof List<?> h) || h.size() != 3 || !(h.get(0) instanceof String name))
        throw new IllegalArgumentException("bad " + key + " entry " + KerasJson.write(t));
      refs.add(new Ref(name, Cfg.toInt(key, h.get(1)), Cfg.toInt(key, h.get(2))));
    }
    List<SymbolicTensor> out = resolve(refs, made);
    if (out == null)
      throw new IllegalArgumentException(key + " names a call the model never makes");
    return out;
  }
}
