package org.cnn4j.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnn4j.data.FillMode;
import org.cnn4j.layers.Activation;
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
import org.cnn4j.layers.RandomFlip;
import org.cnn4j.layers.RandomRotation;
import org.cnn4j.layers.RandomTranslation;
import org.cnn4j.layers.RandomZoom;
import org.cnn4j.layers.Rescaling;
import org.cnn4j.losses.Loss;
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
 * hand-written architecture file (docs/MODEL_FORMAT.md):
 *
 * <pre>{@code
 * {"class_name": "Sequential",
 *  "config": {"name": "sequential", "seed": 42, "input_shape": [28, 28, 1],
 *             "layers": [{"class_name": "Conv2D", "config": {"filters": 16, "kernel_size": 3,
 *                                                            "activation": "relu"}}, ...]},
 *  "compile_config": {"optimizer": {"name": "adam", "learning_rate": 0.001},
 *                     "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}}
 * }</pre>
 *
 * Layers take Keras' argument names; left-out arguments take Keras' defaults. The layer types are a
 * closed set: Conv2D, Dense, MaxPooling2D, AveragePooling2D, Flatten, GlobalAveragePooling2D,
 * Dropout, BatchNormalization, Activation.
 */
public final class ModelConfig {
  private ModelConfig() {}

  /** The types a config can hold. */
  public static final Set<String> LAYER_TYPES =
      Set.of(
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
          "RandomZoom");

  /** The config of {@code model} (architecture, seed, and compile settings when compiled). */
  public static Map<String, Object> of(Sequential model) {
    List<Object> layers = new ArrayList<>();
    for (Layer l : model.layers()) {
      if (!LAYER_TYPES.contains(l.typeName())) {
        throw new IllegalArgumentException(
            "cannot save layer "
                + l.describe()
                + ": model files hold only "
                + LAYER_TYPES.stream().sorted().toList());
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("class_name", l.typeName());
      entry.put("config", l.config());
      layers.add(entry);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", model.name());
    config.put("seed", model.seed());
    config.put("input_shape", model.inputShape().dims());
    config.put("layers", layers);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("class_name", "Sequential");
    root.put("config", config);
    if (model.optimizer() != null && model.loss() != null) {
      Map<String, Object> compile = new LinkedHashMap<>();
      compile.put("optimizer", model.optimizer().config());
      compile.put("loss", model.loss().name());
      compile.put("metrics", model.metricNames());
      root.put("compile_config", compile);
    }
    return root;
  }

  /**
   * Reads an architecture file and builds its model on {@code backend} (null: the default backend,
   * shared with the other models made without one).
   */
  public static Sequential read(Path file, Backend backend) throws IOException {
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
  public static Sequential build(Map<String, Object> root, Backend backend) {
    Configs r = new Configs("model config", root);
    r.onlyKeys(Set.of("class_name", "config", "compile_config"));
    String cls = r.getString("class_name");
    if (!cls.equals("Sequential")) {
      throw new IllegalArgumentException(
          "model config: class_name must be \"Sequential\", got \"" + cls + "\"");
    }
    Configs c = r.getObject("config", "model config");
    c.onlyKeys(Set.of("name", "seed", "input_shape", "layers"));
    long seed = c.getLong("seed", 42L);
    List<Layer> stack = new ArrayList<>();
    stack.add(new Input(c.getInts("input_shape", -1)));
    List<?> layers = c.getList("layers");
    for (int i = 0; i < layers.size(); i++) {
      if (!(layers.get(i) instanceof Map))
        throw new IllegalArgumentException("model config: layer " + i + " must be an object");
      @SuppressWarnings("unchecked")
      Configs entry = new Configs("layer " + i, (Map<String, Object>) layers.get(i));
      entry.onlyKeys(Set.of("class_name", "config"));
      String type = entry.getString("class_name");
      Configs args =
          entry.has("config")
              ? entry.getObject("config", "layer " + i + " (" + type + ")")
              : new Configs("layer " + i + " (" + type + ")", Map.of());
      stack.add(layer(type, args));
    }
    Layer[] array = stack.toArray(Layer[]::new);
    Sequential model =
        backend == null ? new Sequential(seed, array) : new Sequential(backend, seed, array);
    try {
      if (r.has("compile_config")) compile(model, r.getObject("compile_config", "compile_config"));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  private static void compile(Sequential model, Configs c) {
    c.onlyKeys(Set.of("optimizer", "loss", "metrics"));
    Optimizer opt = optimizer(c.getObject("optimizer", "compile_config optimizer"));
    List<String> metrics = new ArrayList<>();
    if (c.has("metrics")) {
      for (Object m : c.getList("metrics")) {
        if (!(m instanceof String s))
          throw new IllegalArgumentException("compile_config: metrics must be names");
        metrics.add(s);
      }
    }
    model.compile(opt, Loss.of(c.getString("loss")), metrics.toArray(String[]::new));
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

  /** Keras' default fill mode for the random image layers is "reflect". */
  private static FillMode fillMode(Configs c) {
    return FillMode.of(c.getString("fill_mode", "reflect"));
  }

  private static Layer layer(String type, Configs c) {
    Layer layer =
        switch (type) {
          case "Conv2D" -> {
            c.onlyKeys(
                Set.of(
                    "name",
                    "filters",
                    "kernel_size",
                    "strides",
                    "padding",
                    "dilation_rate",
                    "groups",
                    "activation",
                    "use_bias"));
            int[] k = c.getInts("kernel_size", 2);
            Conv2D conv = new Conv2D(c.getInt("filters"), k[0], k[1]);
            if (c.has("strides")) {
              int[] s = c.getInts("strides", 2);
              conv.strides(s[0], s[1]);
            }
            if (c.has("dilation_rate")) {
              int[] d = c.getInts("dilation_rate", 2);
              if (d[0] != d[1])
                throw new IllegalArgumentException(
                    c.context() + ": dilation_rate must be equal on both axes");
              conv.dilationRate(d[0]);
            }
            conv.padding(c.getString("padding", "valid"))
                .groups(c.getInt("groups", 1))
                .useBias(c.getBoolean("use_bias", true))
                .activation(c.getString("activation", "linear"));
            yield conv;
          }
          case "Dense" -> {
            c.onlyKeys(Set.of("name", "units", "activation", "use_bias"));
            yield new Dense(c.getInt("units"))
                .activation(c.getString("activation", "linear"))
                .useBias(c.getBoolean("use_bias", true));
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
            c.onlyKeys(Set.of("name"));
            yield new GlobalAveragePooling2D();
          }
          case "Dropout" -> {
            c.onlyKeys(Set.of("name", "rate"));
            yield new Dropout(c.getDouble("rate"));
          }
          case "BatchNormalization" -> {
            c.onlyKeys(Set.of("name", "axis", "momentum", "epsilon"));
            int axis = c.getInt("axis", -1);
            if (axis != -1)
              throw new IllegalArgumentException(
                  c.context() + ": only axis -1 (channels) is supported");
            yield new BatchNormalization()
                .momentum(c.getDouble("momentum", 0.99))
                .epsilon(c.getDouble("epsilon", 1e-3));
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
          default ->
              throw new IllegalArgumentException(
                  c.context()
                      + ": unknown layer type '"
                      + type
                      + "'; expected one of "
                      + LAYER_TYPES.stream().sorted().toList());
        };
    if (c.has("name")) layer.name(c.getString("name"));
    return layer;
  }
}
