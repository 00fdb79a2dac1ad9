package org.cnn4j.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.FillMode;
import org.cnn4j.layers.*;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.RandomFlip;
import org.cnn4j.layers.RandomRotation;
import org.cnn4j.layers.RandomTranslation;
import org.cnn4j.layers.RandomZoom;
import org.cnn4j.layers.Rescaling;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.losses.Loss;
import org.cnn4j.models.Functional;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.optimizers.AdamW;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.optimizers.RMSprop;
import org.cnn4j.optimizers.SGD;
import org.cnn4j.optimizers.schedules.CosineDecay;
import org.cnn4j.optimizers.schedules.ExponentialDecay;
import org.cnn4j.optimizers.schedules.LearningRateSchedule;
import org.cnn4j.optimizers.schedules.PiecewiseConstantDecay;
import org.cnn4j.spi.Backend;

/**
 * A model's architecture as JSON, the {@code config.json} of a model file and the form of a
 * hand-written architecture file (docs/MODEL_FORMAT.md). It follows Keras 3's model config: a
 * Sequential lists its layers (an InputLayer first, with {@code batch_shape}); a Functional lists
 * each layer with its {@code inbound_nodes} (the tensors each call reads, as {@code keras_history}
 * triples {@code [layer, call, output]}) and names its {@code input_layers} and {@code
 * output_layers}:
 *
 * <pre>{@code
 * {"class_name": "Functional",
 *  "config": {"name": "functional", "seed": 42,
 *    "layers": [
 *      {"class_name": "InputLayer", "name": "input_layer",
 *       "config": {"name": "input_layer", "batch_shape": [null, 32, 32, 3]}, "inbound_nodes": []},
 *      {"class_name": "Conv2D", "name": "conv2d", "config": {"name": "conv2d", "filters": 16, ...},
 *       "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
 *           "config": {"shape": [null, 32, 32, 3], "keras_history": ["input_layer", 0, 0]}}],
 *         "kwargs": {}}]},
 *      ...],
 *    "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense", 0, 0]]},
 *  "compile_config": {"optimizer": {"name": "adam", "learning_rate": 0.001},
 *                     "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}}
 * }</pre>
 *
 * Layers take Keras' argument names; left-out arguments take Keras' defaults. A model may be a
 * layer of another (its entry holds the nested model's config). Files of format version 1 (a
 * Sequential with {@code input_shape} and no InputLayer) still read.
 */
public final class ModelConfig {
  private ModelConfig() {}

  private static final String TENSOR = "__keras_tensor__";

  /** Custom layer classes by their type name (Keras' custom_objects). */
  private static final Map<String, java.util.function.Function<Map<String, Object>, Layer>>
      CUSTOM_LAYERS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Lets model files hold a custom layer (Keras' {@code register_keras_serializable} /
   * custom_objects): saving writes its {@link Layer#typeName()} and {@link Layer#config()}; loading
   * calls {@code factory} with that config (without the name, which the loader sets) to make it.
   */
  public static void registerLayer(
      String typeName, java.util.function.Function<Map<String, Object>, Layer> factory) {
    if (LAYER_TYPES.contains(typeName)) {
      throw new IllegalArgumentException(typeName + " is a built-in layer type");
    }
    CUSTOM_LAYERS.put(typeName, factory);
  }

  /** The types a config can hold, besides nested Sequential and Functional models. */
  public static final Set<String> LAYER_TYPES =
      Set.of(
          "InputLayer",
          "DepthwiseConv2D",
          "SeparableConv2D",
          "Add",
          "Subtract",
          "Multiply",
          "Average",
          "Maximum",
          "Minimum",
          "Concatenate",
          "ZeroPadding2D",
          "Cropping2D",
          "UpSampling2D",
          "Reshape",
          "Permute",
          "GlobalMaxPooling2D",
          "LayerNormalization",
          "ReLU",
          "LeakyReLU",
          "ELU",
          "Softmax",
          "SpatialDropout2D",
          "Conv2D",
          "Dense",
          "MaxPooling2D",
          "AveragePooling2D",
          "Flatten",
          "GlobalAveragePooling2D",
          "Dropout",
          "BatchNormalization",
          "Activation",
          "Rescaling",
          "RandomFlip",
          "RandomRotation",
          "RandomTranslation",
          "RandomZoom",
          // keras.applications: preprocessing and ConvNeXt's own layers
          "Normalization",
          "LayerScale",
          "StochasticDepth");

  // ---------------------------------------------------------------- writing

  /** The config of {@code model} (architecture, seed, and compile settings when compiled). */
  public static Map<String, Object> of(Model model) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("class_name", modelClass(model));
    root.put("config", modelConfig(model));
    if (model.optimizer() != null && model.loss() != null)
      root.put("compile_config", compile(model));
    return root;
  }

  private static String modelClass(Model model) {
    return model instanceof Sequential ? "Sequential" : "Functional";
  }

  private static Map<String, Object> modelConfig(Model model) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", model.name());
    config.put("seed", model.seed());
    if (!model.trainable()) config.put("trainable", false);
    if (model instanceof Sequential seq) {
      List<Object> layers = new ArrayList<>();
      layers.add(entry(seq.inputs().get(0).layer()));
      for (Layer l : seq.layers()) layers.add(entry(l));
      config.put("layers", layers);
      return config;
    }
    // Keras numbers a layer's calls within the model only: calls outside it are left out.
    Set<Node> inModel = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (SymbolicTensor t : model.inputs()) inModel.add(t.node());
    inModel.addAll(graphNodes(model));
    List<Object> layers = new ArrayList<>();
    for (Layer l : model.layers()) {
      Map<String, Object> e = entry(l);
      e.put("name", l.name());
      List<Object> inbound = new ArrayList<>();
      for (Node n : l.nodes()) {
        if (!inModel.contains(n) || n.inputs().isEmpty()) continue;
        List<Object> tensors = new ArrayList<>();
        for (SymbolicTensor t : n.inputs()) tensors.add(tensor(t, inModel));
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("args", tensors.size() == 1 ? tensors : List.of(tensors));
        node.put("kwargs", new LinkedHashMap<String, Object>());
        inbound.add(node);
      }
      e.put("inbound_nodes", inbound);
      layers.add(e);
    }
    config.put("layers", layers);
    config.put("input_layers", model.inputs().stream().map(t -> history(t, inModel)).toList());
    config.put("output_layers", model.outputs().stream().map(t -> history(t, inModel)).toList());
    return config;
  }

  private static List<Node> graphNodes(Model model) {
    List<Node> nodes = new ArrayList<>();
    Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    java.util.ArrayDeque<SymbolicTensor> todo = new java.util.ArrayDeque<>(model.outputs());
    while (!todo.isEmpty()) {
      SymbolicTensor t = todo.pop();
      if (seen.add(t.node())) {
        nodes.add(t.node());
        todo.addAll(t.node().inputs());
      }
    }
    return nodes;
  }

  private static Map<String, Object> entry(Layer l) {
    Map<String, Object> e = new LinkedHashMap<>();
    if (l instanceof Model nested) {
      e.put("class_name", modelClass(nested));
      e.put("config", modelConfig(nested));
      return e;
    }
    if (!LAYER_TYPES.contains(l.typeName()) && !CUSTOM_LAYERS.containsKey(l.typeName())) {
      throw new IllegalArgumentException(
          "cannot save layer "
              + l.describe()
              + ": model files hold only "
              + LAYER_TYPES.stream().sorted().toList()
              + ", nested models and layers registered with ModelConfig.registerLayer");
    }
    e.put("class_name", l.typeName());
    e.put("config", l.config());
    return e;
  }

  private static Map<String, Object> tensor(SymbolicTensor t, Set<Node> inModel) {
    Map<String, Object> config = new LinkedHashMap<>();
    List<Object> shape = new ArrayList<>();
    shape.add(null);
    for (int d : t.shape().dims()) shape.add(d);
    config.put("shape", shape);
    config.put("keras_history", history(t, inModel));
    Map<String, Object> kt = new LinkedHashMap<>();
    kt.put("class_name", TENSOR);
    kt.put("config", config);
    return kt;
  }

  /** {@code [layer, call index among the layer's calls in this model, output index]}. */
  private static List<Object> history(SymbolicTensor t, Set<Node> inModel) {
    int index = 0;
    for (Node n : t.layer().nodes()) {
      if (n == t.node()) break;
      if (inModel.contains(n)) index++;
    }
    return List.of(t.layer().name(), index, t.index());
  }

  private static Map<String, Object> compile(Model model) {
    Map<String, Object> compile = new LinkedHashMap<>();
    compile.put("optimizer", model.optimizer().config());
    if (model.outputs().size() == 1) {
      compile.put("loss", model.loss().name());
      compile.put("metrics", model.metricNames());
    } else {
      Map<String, Object> losses = new LinkedHashMap<>();
      model.losses().forEach((k, v) -> losses.put(k, v.name()));
      compile.put("loss", losses);
      compile.put("loss_weights", new LinkedHashMap<String, Object>(model.lossWeights()));
      compile.put("metrics", new LinkedHashMap<String, Object>(model.metricNamesPerOutput()));
    }
    return compile;
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads an architecture file and builds its model on {@code backend} (null: the default backend,
   * shared with the other models made without one).
   */
  public static Model read(Path file, Backend backend) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return build(Json.parseObject(text), backend);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Builds (and, when the config has a compile_config, compiles) the model a config describes, on
   * {@code backend}, or on the shared default backend when null.
   */
  public static Model build(Map<String, Object> root, Backend backend) {
    Configs r = new Configs("model config", root);
    r.onlyKeys(Set.of("class_name", "config", "compile_config"));
    org.cnn4j.backends.SharedBackend opened = backend == null ? Backends.shared() : null;
    Backend on = backend != null ? backend : opened.backend();
    Model model;
    try {
      model = model(r.getString("class_name"), r.getObject("config", "model config"), on, true);
    } catch (RuntimeException e) {
      if (opened != null) opened.close();
      throw e;
    }
    if (opened != null) model.closeWith(opened);
    try {
      if (r.has("compile_config")) compile(model, r.getObject("compile_config", "compile_config"));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /** A Sequential or Functional model from its config; nested ones close with the outer one. */
  private static Model model(String cls, Configs c, Backend backend, boolean top) {
    List<Model> nested = new ArrayList<>();
    try {
      Model model =
          switch (cls) {
            case "Sequential" -> sequential(c, backend, nested);
            case "Functional", "Model" -> functional(c, backend, nested);
            default ->
                throw new IllegalArgumentException(
                    c.context()
                        + ": class_name must be \"Sequential\" or \"Functional\", got \""
                        + cls
                        + "\"");
          };
      nested.forEach(model::closeWith);
      if (c.has("trainable") && !c.getBoolean("trainable", true)) model.trainable(false);
      return model;
    } catch (RuntimeException e) {
      nested.forEach(Model::close);
      throw e;
    }
  }

  private static Model sequential(Configs c, Backend backend, List<Model> nested) {
    c.onlyKeys(Set.of("name", "seed", "input_shape", "layers", "trainable"));
    long seed = c.getLong("seed", 42L);
    List<Layer> stack = new ArrayList<>();
    List<?> layers = c.getList("layers");
    if (c.has("input_shape")) stack.add(new Input(c.getInts("input_shape", -1)));
    for (int i = 0; i < layers.size(); i++) {
      Configs entry = layerEntry(layers.get(i), i);
      entry.onlyKeys(Set.of("class_name", "config", "name", "inbound_nodes"));
      Layer layer = layer(entry, backend, nested);
      if (i == 0 && !(layer instanceof Input) && stack.isEmpty()) {
        throw new IllegalArgumentException(
            c.context() + ": a Sequential's first layer must be an InputLayer with batch_shape");
      }
      stack.add(layer);
    }
    Sequential model = new Sequential(backend, seed, stack.toArray(Layer[]::new));
    if (c.has("name")) model.name(c.getString("name"));
    return model;
  }

  private static Model functional(Configs c, Backend backend, List<Model> nested) {
    c.onlyKeys(Set.of("name", "seed", "layers", "input_layers", "output_layers", "trainable"));
    long seed = c.getLong("seed", 42L);
    List<?> layers = c.getList("layers");
    // Each layer's calls, made in an order where every call's inputs exist already (a shared
    // layer's second call may read a layer listed after it, as in Keras' own configs).
    Map<String, List<List<SymbolicTensor>>> outputs = new HashMap<>();
    List<PendingCall> pending = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Configs entry = layerEntry(layers.get(i), i);
      entry.onlyKeys(
          Set.of(
              "class_name",
              "config",
              "name",
              "inbound_nodes",
              "module",
              "registered_name",
              "build_config"));
      Layer layer = layer(entry, backend, nested);
      String layerName = entry.has("name") ? entry.getString("name") : layer.name();
      if (layerName == null) {
        throw new IllegalArgumentException(c.context() + ": layer " + i + " has no name");
      }
      if (outputs.put(layerName, new ArrayList<>()) != null) {
        throw new IllegalArgumentException(c.context() + ": two layers are named " + layerName);
      }
      if (layer instanceof Input input) {
        outputs.get(layerName).add(List.of(input.output()));
        continue;
      }
      List<?> nodes = entry.has("inbound_nodes") ? entry.getList("inbound_nodes") : List.of();
      for (Object node : nodes) pending.add(new PendingCall(layerName, layer, node));
    }
    while (!pending.isEmpty()) {
      boolean progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        PendingCall call = it.next();
        List<SymbolicTensor> inputs = call.inputs(outputs, c.context());
        if (inputs == null) continue;
        outputs.get(call.layerName).add(call.layer.applyAll(inputs));
        it.remove();
        progress = true;
      }
      if (!progress) {
        throw new IllegalArgumentException(
            c.context()
                + ": the calls of "
                + pending.stream().map(p -> p.layerName).distinct().toList()
                + " read tensors no layer makes (a missing layer or a cycle)");
      }
    }
    List<SymbolicTensor> ins = tensors(c, "input_layers", outputs);
    List<SymbolicTensor> outs = tensors(c, "output_layers", outputs);
    Functional model = new Functional(backend, seed, ins, outs);
    if (c.has("name")) model.name(c.getString("name"));
    return model;
  }

  /** One inbound node of a layer, waiting until the tensors it reads exist. */
  private record PendingCall(String layerName, Layer layer, Object node) {
    /** The tensors the call reads, or null while one of them is not made yet. */
    List<SymbolicTensor> inputs(Map<String, List<List<SymbolicTensor>>> made, String context) {
      String where = context + ": inbound node of " + layerName;
      if (!(node instanceof Map<?, ?> m) || !(m.get("args") instanceof List<?> args)) {
        throw new IllegalArgumentException(where + " must be {\"args\": [...], \"kwargs\": {}}");
      }
      List<?> tensors = args.size() == 1 && args.get(0) instanceof List<?> l ? l : args;
      List<SymbolicTensor> result = new ArrayList<>();
      for (Object t : tensors) {
        List<?> history = kerasHistory(t, where);
        SymbolicTensor found = lookup(made, history, where);
        if (found == null) return null;
        result.add(found);
      }
      return result;
    }
  }

  private static List<?> kerasHistory(Object tensor, String where) {
    if (tensor instanceof Map<?, ?> kt
        && TENSOR.equals(kt.get("class_name"))
        && kt.get("config") instanceof Map<?, ?> cfg
        && cfg.get("keras_history") instanceof List<?> h
        && h.size() == 3) {
      return h;
    }
    throw new IllegalArgumentException(
        where
            + ": each argument must be a "
            + TENSOR
            + " with a keras_history [layer, node, index]");
  }

  /** The tensor {@code [layer, node, index]} names, null if that node is not made yet. */
  private static SymbolicTensor lookup(
      Map<String, List<List<SymbolicTensor>>> made, List<?> history, String where) {
    if (!(history.get(0) instanceof String layer)
        || !(history.get(1) instanceof Long node)
        || !(history.get(2) instanceof Long index)) {
      throw new IllegalArgumentException(where + ": bad keras_history " + history);
    }
    List<List<SymbolicTensor>> calls = made.get(layer);
    if (calls == null) {
      throw new IllegalArgumentException(
          where + ": reads layer '" + layer + "', which is not listed");
    }
    if (node >= calls.size()) return null;
    List<SymbolicTensor> outs = calls.get((int) (long) node);
    if (index < 0 || index >= outs.size()) {
      throw new IllegalArgumentException(
          where
              + ": layer '"
              + layer
              + "' has no output "
              + index
              + " (it has "
              + outs.size()
              + ")");
    }
    return outs.get((int) (long) index);
  }

  private static List<SymbolicTensor> tensors(
      Configs c, String key, Map<String, List<List<SymbolicTensor>>> made) {
    List<SymbolicTensor> result = new ArrayList<>();
    for (Object h : c.getList(key)) {
      if (!(h instanceof List<?> history) || history.size() != 3) {
        throw new IllegalArgumentException(
            c.context() + ": " + key + " must list [layer, node, index]");
      }
      SymbolicTensor t = lookup(made, history, c.context() + " " + key);
      if (t == null) {
        throw new IllegalArgumentException(
            c.context() + ": " + key + " names a call never made: " + history);
      }
      result.add(t);
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private static Configs layerEntry(Object o, int i) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("model config: layer " + i + " must be an object");
    }
    return new Configs("layer " + i, (Map<String, Object>) o);
  }

  /** The layer an entry describes; a nested model is built at once, on the same backend. */
  private static Layer layer(Configs entry, Backend backend, List<Model> nested) {
    String type = entry.getString("class_name");
    String context = entry.context() + " (" + type + ")";
    Configs args =
        entry.has("config") ? entry.getObject("config", context) : new Configs(context, Map.of());
    if (type.equals("Sequential") || type.equals("Functional")) {
      Model m = model(type, args, backend, false);
      nested.add(m);
      return m;
    }
    return layer(type, args);
  }

  private static void compile(Model model, Configs c) {
    c.onlyKeys(Set.of("optimizer", "loss", "loss_weights", "metrics"));
    Optimizer opt = optimizer(c.getObject("optimizer", "compile_config optimizer"));
    List<String> outputs = model.outputNames();
    Map<String, Loss> losses = new LinkedHashMap<>();
    Object loss = c.require("loss");
    for (String out : outputs) {
      Object name = loss instanceof Map<?, ?> m ? m.get(out) : loss;
      if (!(name instanceof String s)) {
        throw new IllegalArgumentException("compile_config: no loss name for output '" + out + "'");
      }
      losses.put(out, Loss.of(s));
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    if (c.has("loss_weights")) {
      Configs w = c.getObject("loss_weights", "compile_config loss_weights");
      for (String out : outputs) weights.put(out, w.getDouble(out, 1.0));
    }
    Map<String, List<String>> metrics = new LinkedHashMap<>();
    if (c.has("metrics")) {
      Object m = c.require("metrics");
      for (String out : outputs) {
        Object list = m instanceof Map<?, ?> map ? map.get(out) : m;
        metrics.put(out, names(list));
      }
    }
    model.compile(opt, losses, weights, metrics);
  }

  private static List<String> names(Object list) {
    if (list == null) return List.of();
    if (!(list instanceof List<?> l)) {
      throw new IllegalArgumentException("compile_config: metrics must be lists of names");
    }
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof String s))
        throw new IllegalArgumentException("compile_config: metrics must be names");
      out.add(s);
    }
    return out;
  }

  /** An optimizer from its config (Optimizer.config()). */
  static Optimizer optimizer(Configs c) {
    String name = c.getString("name");
    Object lrValue = c.require("learning_rate");
    LearningRateSchedule schedule = null;
    double lr;
    if (lrValue instanceof Map) {
      schedule = schedule(c.getObject("learning_rate", "optimizer " + name + " learning_rate"));
      lr = schedule.at(0);
    } else {
      lr = c.getDouble("learning_rate");
    }
    Optimizer opt =
        switch (name) {
          case "sgd" -> {
            c.onlyKeys(Set.of("name", "learning_rate", "momentum", "nesterov"));
            yield new SGD(lr, c.getDouble("momentum", 0), c.getBoolean("nesterov", false));
          }
          case "adam" -> {
            c.onlyKeys(Set.of("name", "learning_rate", "beta_1", "beta_2", "epsilon"));
            yield new Adam(
                lr,
                c.getDouble("beta_1", 0.9),
                c.getDouble("beta_2", 0.999),
                c.getDouble("epsilon", 1e-7));
          }
          case "adamw" -> {
            c.onlyKeys(
                Set.of("name", "learning_rate", "beta_1", "beta_2", "epsilon", "weight_decay"));
            yield new AdamW(
                lr,
                c.getDouble("weight_decay", 0.004),
                c.getDouble("beta_1", 0.9),
                c.getDouble("beta_2", 0.999),
                c.getDouble("epsilon", 1e-7));
          }
          case "rmsprop" -> {
            c.onlyKeys(Set.of("name", "learning_rate", "rho", "epsilon"));
            yield new RMSprop(lr, c.getDouble("rho", 0.9), c.getDouble("epsilon", 1e-7));
          }
          default ->
              throw new IllegalArgumentException(
                  "unknown optimizer '" + name + "'; expected one of sgd, adam, adamw, rmsprop");
        };
    if (schedule != null) opt.learningRateSchedule(schedule);
    return opt;
  }

  static LearningRateSchedule schedule(Configs s) {
    s.onlyKeys(Set.of("class_name", "config"));
    String type = s.getString("class_name");
    Configs c = s.getObject("config", type);
    return switch (type) {
      case "ExponentialDecay" -> {
        c.onlyKeys(Set.of("initial_learning_rate", "decay_steps", "decay_rate", "staircase"));
        yield new ExponentialDecay(
            c.getDouble("initial_learning_rate"),
            c.getLong("decay_steps"),
            c.getDouble("decay_rate"),
            c.getBoolean("staircase", false));
      }
      case "PiecewiseConstantDecay" -> {
        c.onlyKeys(Set.of("boundaries", "values"));
        List<?> b = c.getList("boundaries");
        List<?> v = c.getList("values");
        long[] bounds = new long[b.size()];
        for (int i = 0; i < bounds.length; i++) bounds[i] = ((Number) b.get(i)).longValue();
        double[] values = new double[v.size()];
        for (int i = 0; i < values.length; i++) values[i] = ((Number) v.get(i)).doubleValue();
        yield new PiecewiseConstantDecay(bounds, values);
      }
      case "CosineDecay" -> {
        c.onlyKeys(
            Set.of(
                "initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"));
        yield new CosineDecay(
            c.getDouble("initial_learning_rate"),
            c.getLong("decay_steps"),
            c.getDouble("alpha", 0),
            c.has("warmup_target") ? c.getDouble("warmup_target") : null,
            c.getLong("warmup_steps", 0));
      }
      default ->
          throw new IllegalArgumentException(
              "unknown learning rate schedule '"
                  + type
                  + "'; expected one of ExponentialDecay, PiecewiseConstantDecay, CosineDecay");
    };
  }

  /** Strides and dilation of a convolution config, each one int or a pair. */
  private record ConvLayerArgs(Configs c) {
    void strides(java.util.function.BiConsumer<Integer, Integer> set) {
      if (c.has("strides")) {
        int[] s = c.getInts("strides", 2);
        set.accept(s[0], s[1]);
      }
    }

    void dilation(java.util.function.BiConsumer<Integer, Integer> set) {
      if (c.has("dilation_rate")) {
        int[] d = c.getInts("dilation_rate", 2);
        set.accept(d[0], d[1]);
      }
    }
  }

  /**
   * Keras' initializer: a name, {"class_name": "VarianceScaling", "config": {...}}, or another
   * {"class_name": "HeNormal", ...} (whose config is not read).
   */
  private static String initializer(Configs c, String key) {
    if (!c.has(key)) return "glorot_uniform";
    Object v = c.require(key);
    if (v instanceof String s) return s;
    if (v instanceof Map<?, ?> m && "VarianceScaling".equals(m.get("class_name"))) {
      Object cfg = m.get("config");
      return org.cnn4j.layers.VarianceScaling.of(cfg instanceof Map<?, ?> mc ? mc : Map.of())
          .spec();
    }
    if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
      return cls.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
    throw new IllegalArgumentException(c.context() + ": " + key + " must be a name or a config");
  }

  /** Keras' regularizer config {"class_name": "L2", "config": {"l2": ...}}, or null. */
  @SuppressWarnings("unchecked")
  private static org.cnn4j.regularizers.Regularizer regularizer(Configs c, String key) {
    if (!c.has(key)) return null;
    Object v = c.require(key);
    if (v instanceof String s) return org.cnn4j.regularizers.Regularizer.of(s);
    if (v instanceof Map<?, ?> m
        && m.get("class_name") instanceof String cls
        && m.get("config") instanceof Map<?, ?> cfg) {
      return org.cnn4j.regularizers.Regularizer.of(cls, (Map<String, Object>) cfg);
    }
    throw new IllegalArgumentException(
        c.context() + ": " + key + " must be {\"class_name\": \"L2\", \"config\": {...}}");
  }

  /** Keras' noise_shape: a list of sizes, null where the input's size is taken. */
  private static Integer[] noiseShape(Configs c) {
    List<?> l = c.getList("noise_shape");
    Integer[] shape = new Integer[l.size()];
    for (int i = 0; i < shape.length; i++) {
      Object v = l.get(i);
      if (v == null) continue;
      if (!(v instanceof Long d) || d < 1 || d > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            c.context() + ": noise_shape must hold null or positive sizes, got " + l);
      }
      shape[i] = (int) (long) d;
    }
    return shape;
  }

  /** A number or a (nested) list of numbers, flattened row-major (Normalization's mean). */
  private static double[] doubles(Configs c, String key) {
    List<Double> out = new ArrayList<>();
    flatten(c, key, c.require(key), out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void flatten(Configs c, String key, Object v, List<Double> out) {
    if (v instanceof Number n) {
      out.add(n.doubleValue());
    } else if (v instanceof List<?> l) {
      for (Object e : l) flatten(c, key, e, out);
    } else {
      throw new IllegalArgumentException(
          c.context() + ": '" + key + "' must be a number or a list of numbers, got " + v);
    }
  }

  /** Keras' padding or cropping amounts: n, [h, w] or [[top, bottom], [left, right]]. */
  private static int[] amounts(Configs c, String key, int def) {
    if (!c.has(key)) return new int[] {def};
    Object v = c.require(key);
    if (v instanceof Long) return new int[] {c.getInt(key)};
    if (v instanceof List<?> l && l.size() == 2) {
      if (l.get(0) instanceof Long && l.get(1) instanceof Long) return c.getInts(key, 2);
      if (l.get(0) instanceof List<?> a
          && l.get(1) instanceof List<?> b
          && a.size() == 2
          && b.size() == 2) {
        int[] out = new int[4];
        List<?> all = List.of(a.get(0), a.get(1), b.get(0), b.get(1));
        for (int i = 0; i < 4; i++) {
          if (!(all.get(i) instanceof Long x) || x < 0 || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(c.context() + ": bad " + key + " " + v);
          }
          out[i] = (int) (long) x;
        }
        return out;
      }
    }
    throw new IllegalArgumentException(
        c.context() + ": " + key + " must be n, [h, w] or [[top, bottom], [left, right]]");
  }

  /** Keras' default fill mode for the random image layers is "reflect". */
  private static FillMode fillMode(Configs c) {
    return FillMode.of(c.getString("fill_mode", "reflect"));
  }

  private static Layer layer(String type, Configs c) {
    boolean trainable = c.getBoolean("trainable", true);
    Configs args = c.without("trainable");
    Layer layer = layerOfType(type, args);
    if (!trainable) layer.trainable(false);
    return layer;
  }

  private static Layer layerOfType(String type, Configs c) {
    Layer layer =
        switch (type) {
          case "InputLayer" -> {
            c.onlyKeys(Set.of("name", "batch_shape", "batch_input_shape", "dtype", "sparse"));
            List<?> shape = c.getList(c.has("batch_shape") ? "batch_shape" : "batch_input_shape");
            int[] dims = new int[shape.size() - 1];
            for (int i = 1; i < shape.size(); i++) {
              if (!(shape.get(i) instanceof Long d) || d < 1 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                    c.context() + ": batch_shape must be [null, positive sizes...], got " + shape);
              }
              dims[i - 1] = (int) (long) d;
            }
            yield new Input(dims);
          }
          case "Conv2D", "DepthwiseConv2D" -> {
            boolean depthwise = type.equals("DepthwiseConv2D");
            String init = depthwise ? "depthwise_initializer" : "kernel_initializer";
            String reg = depthwise ? "depthwise_regularizer" : "kernel_regularizer";
            c.onlyKeys(
                Set.of(
                    "name",
                    depthwise ? "depth_multiplier" : "filters",
                    "kernel_size",
                    "strides",
                    "padding",
                    "dilation_rate",
                    "groups",
                    "activation",
                    "use_bias",
                    init,
                    reg));
            int[] k = c.getInts("kernel_size", 2);
            ConvLayerArgs args = new ConvLayerArgs(c);
            if (depthwise) {
              DepthwiseConv2D d =
                  new DepthwiseConv2D(k[0], k[1]).depthMultiplier(c.getInt("depth_multiplier", 1));
              args.strides(d::strides);
              args.dilation(d::dilationRate);
              d.padding(c.getString("padding", "valid"))
                  .useBias(c.getBoolean("use_bias", true))
                  .activation(c.getString("activation", "linear"))
                  .kernelInitializer(initializer(c, init))
                  .kernelRegularizer(regularizer(c, reg));
              yield d;
            }
            Conv2D conv = new Conv2D(c.getInt("filters"), k[0], k[1]);
            args.strides(conv::strides);
            args.dilation(conv::dilationRate);
            conv.padding(c.getString("padding", "valid"))
                .groups(c.getInt("groups", 1))
                .useBias(c.getBoolean("use_bias", true))
                .activation(c.getString("activation", "linear"))
                .kernelInitializer(initializer(c, init))
                .kernelRegularizer(regularizer(c, reg));
            yield conv;
          }
          case "SeparableConv2D" -> {
            c.onlyKeys(
                Set.of(
                    "name",
                    "filters",
                    "kernel_size",
                    "strides",
                    "padding",
                    "dilation_rate",
                    "depth_multiplier",
                    "activation",
                    "use_bias",
                    "depthwise_initializer",
                    "pointwise_initializer",
                    "depthwise_regularizer",
                    "pointwise_regularizer"));
            int[] k = c.getInts("kernel_size", 2);
            SeparableConv2D s =
                new SeparableConv2D(c.getInt("filters"), k[0], k[1])
                    .depthMultiplier(c.getInt("depth_multiplier", 1));
            ConvLayerArgs args = new ConvLayerArgs(c);
            args.strides(s::strides);
            args.dilation((h, w) -> s.dilationRate(h));
            yield s.padding(c.getString("padding", "valid"))
                .useBias(c.getBoolean("use_bias", true))
                .activation(c.getString("activation", "linear"))
                .depthwiseInitializer(initializer(c, "depthwise_initializer"))
                .pointwiseInitializer(initializer(c, "pointwise_initializer"))
                .depthwiseRegularizer(regularizer(c, "depthwise_regularizer"))
                .pointwiseRegularizer(regularizer(c, "pointwise_regularizer"));
          }
          case "Dense" -> {
            c.onlyKeys(
                Set.of(
                    "name",
                    "units",
                    "activation",
                    "use_bias",
                    "kernel_initializer",
                    "kernel_regularizer"));
            yield new Dense(c.getInt("units"))
                .activation(c.getString("activation", "linear"))
                .useBias(c.getBoolean("use_bias", true))
                .kernelInitializer(initializer(c, "kernel_initializer"))
                .kernelRegularizer(regularizer(c, "kernel_regularizer"));
          }
          case "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum" -> {
            c.onlyKeys(Set.of("name"));
            yield switch (type) {
              case "Add" -> new Add();
              case "Subtract" -> new Subtract();
              case "Multiply" -> new Multiply();
              case "Average" -> new Average();
              case "Maximum" -> new Maximum();
              default -> new Minimum();
            };
          }
          case "Concatenate" -> {
            c.onlyKeys(Set.of("name", "axis"));
            yield new Concatenate(c.getInt("axis", -1));
          }
          case "ZeroPadding2D" -> {
            c.onlyKeys(Set.of("name", "padding"));
            yield new ZeroPadding2D(amounts(c, "padding", 1));
          }
          case "Cropping2D" -> {
            c.onlyKeys(Set.of("name", "cropping"));
            yield new Cropping2D(amounts(c, "cropping", 0));
          }
          case "UpSampling2D" -> {
            c.onlyKeys(Set.of("name", "size", "interpolation"));
            int[] s = c.has("size") ? c.getInts("size", 2) : new int[] {2, 2};
            yield new UpSampling2D(s[0], s[1], c.getString("interpolation", "nearest"));
          }
          case "Reshape" -> {
            c.onlyKeys(Set.of("name", "target_shape"));
            yield new Reshape(c.getInts("target_shape", -1));
          }
          case "Permute" -> {
            c.onlyKeys(Set.of("name", "dims"));
            yield new Permute(c.getInts("dims", -1));
          }
          case "GlobalMaxPooling2D" -> {
            c.onlyKeys(Set.of("name", "keepdims"));
            yield new GlobalMaxPooling2D(c.getBoolean("keepdims", false));
          }
          case "LayerNormalization" -> {
            c.onlyKeys(Set.of("name", "axis", "epsilon", "center", "scale"));
            Object axis = c.has("axis") ? c.require("axis") : -1L;
            if (!(axis.equals(-1L) || (axis instanceof List<?> l && l.equals(List.of(-1L))))) {
              throw new IllegalArgumentException(
                  c.context() + ": only axis -1 (the last) is supported, got " + axis);
            }
            yield new LayerNormalization()
                .epsilon(c.getDouble("epsilon", 1e-3))
                .center(c.getBoolean("center", true))
                .scale(c.getBoolean("scale", true));
          }
          case "ReLU" -> {
            c.onlyKeys(Set.of("name", "max_value", "negative_slope", "threshold"));
            yield new ReLU(
                c.has("max_value") ? c.getDouble("max_value") : null,
                c.getDouble("negative_slope", 0),
                c.getDouble("threshold", 0));
          }
          case "LeakyReLU" -> {
            c.onlyKeys(Set.of("name", "negative_slope", "alpha"));
            yield new LeakyReLU(c.getDouble("negative_slope", c.getDouble("alpha", 0.3)));
          }
          case "ELU" -> {
            c.onlyKeys(Set.of("name", "alpha"));
            yield new ELU(c.getDouble("alpha", 1.0));
          }
          case "Softmax" -> {
            c.onlyKeys(Set.of("name", "axis"));
            yield new Softmax(c.getInt("axis", -1));
          }
          case "SpatialDropout2D" -> {
            c.onlyKeys(Set.of("name", "rate"));
            yield new SpatialDropout2D(c.getDouble("rate"));
          }
          case "MaxPooling2D", "AveragePooling2D" -> {
            c.onlyKeys(Set.of("name", "pool_size", "strides", "padding"));
            int[] p = c.has("pool_size") ? c.getInts("pool_size", 2) : new int[] {2, 2};
            int[] s = c.has("strides") ? c.getInts("strides", 2) : p;
            boolean defaultStrides = s[0] == p[0] && s[1] == p[1];
            if (!defaultStrides && s[0] != s[1]) {
              throw new IllegalArgumentException(
                  c.context() + ": strides must be equal on both axes");
            }
            String padding = c.getString("padding", "valid");
            if (type.equals("MaxPooling2D")) {
              MaxPooling2D m = new MaxPooling2D(p[0], p[1]).padding(padding);
              yield defaultStrides ? m : m.strides(s[0]);
            }
            AveragePooling2D a = new AveragePooling2D(p[0], p[1]).padding(padding);
            yield defaultStrides ? a : a.strides(s[0]);
          }
          case "Flatten" -> {
            c.onlyKeys(Set.of("name"));
            yield new Flatten();
          }
          case "GlobalAveragePooling2D" -> {
            c.onlyKeys(Set.of("name", "keepdims"));
            yield new GlobalAveragePooling2D(c.getBoolean("keepdims", false));
          }
          case "Dropout" -> {
            c.onlyKeys(Set.of("name", "rate", "noise_shape", "seed"));
            Dropout d = new Dropout(c.getDouble("rate"));
            if (c.has("noise_shape")) d.noiseShape(noiseShape(c));
            yield d;
          }
          case "BatchNormalization" -> {
            c.onlyKeys(Set.of("name", "axis", "momentum", "epsilon", "center", "scale"));
            int axis = c.getInt("axis", -1);
            if (axis != -1)
              throw new IllegalArgumentException(
                  c.context() + ": only axis -1 (channels) is supported");
            yield new BatchNormalization()
                .momentum(c.getDouble("momentum", 0.99))
                .epsilon(c.getDouble("epsilon", 1e-3))
                .center(c.getBoolean("center", true))
                .scale(c.getBoolean("scale", true));
          }
          case "Activation" -> {
            c.onlyKeys(Set.of("name", "activation"));
            yield new Activation(c.getString("activation"));
          }
          case "Rescaling" -> {
            c.onlyKeys(Set.of("name", "scale", "offset"));
            yield new Rescaling(c.getDouble("scale"), c.getDouble("offset", 0));
          }
          case "RandomFlip" -> {
            c.onlyKeys(Set.of("name", "mode", "seed"));
            yield new RandomFlip(
                RandomFlip.Mode.of(c.getString("mode", "horizontal_and_vertical")),
                c.getLong("seed", 0));
          }
          case "RandomRotation" -> {
            c.onlyKeys(Set.of("name", "factor", "fill_mode", "fill_value", "seed"));
            double[] f = c.getRange("factor");
            yield new RandomRotation(
                f[0], f[1], fillMode(c), c.getDouble("fill_value", 0), c.getLong("seed", 0));
          }
          case "RandomTranslation" -> {
            c.onlyKeys(
                Set.of("name", "height_factor", "width_factor", "fill_mode", "fill_value", "seed"));
            yield new RandomTranslation(
                c.getRange("height_factor"),
                c.getRange("width_factor"),
                fillMode(c),
                c.getDouble("fill_value", 0),
                c.getLong("seed", 0));
          }
          case "RandomZoom" -> {
            c.onlyKeys(
                Set.of("name", "height_factor", "width_factor", "fill_mode", "fill_value", "seed"));
            double[] h = c.getRange("height_factor");
            yield new RandomZoom(
                h[0],
                h[1],
                c.has("width_factor") ? c.getRange("width_factor") : null,
                fillMode(c),
                c.getDouble("fill_value", 0),
                c.getLong("seed", 0));
          }
          // ---- keras.applications: preprocessing and ConvNeXt's own layers
          case "Normalization" -> {
            c.onlyKeys(Set.of("name", "axis", "mean", "variance", "invert"));
            Normalization n = new Normalization().invert(c.getBoolean("invert", false));
            // Keras writes axis=None as [] (its tuple form); a missing axis is the default -1.
            if (c.map().containsKey("axis")) {
              Object axis = c.map().get("axis");
              if (axis == null || (axis instanceof List<?> l && l.isEmpty())) n.axisNone();
              else
                n.axis(axis instanceof Long ? new int[] {c.getInt("axis")} : c.getInts("axis", -1));
            }
            if (c.has("mean") || c.has("variance")) {
              n.mean(doubles(c, "mean")).variance(doubles(c, "variance"));
            }
            yield n;
          }
          case "LayerScale" -> {
            c.onlyKeys(Set.of("name", "init_values", "projection_dim"));
            yield new LayerScale(c.getDouble("init_values"), c.getInt("projection_dim"));
          }
          case "StochasticDepth" -> {
            c.onlyKeys(Set.of("name", "drop_path_rate"));
            yield new StochasticDepth(c.getDouble("drop_path_rate"));
          }
          default -> {
            var custom = CUSTOM_LAYERS.get(type);
            if (custom == null) {
              throw new IllegalArgumentException(
                  c.context()
                      + ": unknown layer type '"
                      + type
                      + "'; expected one of "
                      + LAYER_TYPES.stream().sorted().toList()
                      + " or a layer registered with ModelConfig.registerLayer");
            }
            Map<String, Object> args = new LinkedHashMap<>(c.map());
            args.remove("name");
            yield custom.apply(args);
          }
        };
    if (c.has("name")) layer.name(c.getString("name"));
    return layer;
  }
}
