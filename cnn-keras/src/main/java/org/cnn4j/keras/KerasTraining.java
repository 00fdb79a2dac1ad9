package org.cnn4j.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.losses.Loss;
import org.cnn4j.metrics.Metric;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.optimizers.AdamW;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.optimizers.RMSprop;
import org.cnn4j.optimizers.SGD;
import org.cnn4j.optimizers.schedules.CosineDecay;
import org.cnn4j.optimizers.schedules.ExponentialDecay;
import org.cnn4j.optimizers.schedules.LearningRateSchedule;
import org.cnn4j.optimizers.schedules.PiecewiseConstantDecay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Keras model's training settings as a cnn4j {@code compile}: Keras 2's {@code training_config}
 * ({@code optimizer_config} with {@code lr} or {@code learning_rate}, loss and metrics as names or
 * serialized objects, per output as lists or maps), Keras 3's {@code compile_config}, and
 * TensorFlow.js' camelCase names. Restoring them never fails the load: what cnn4j lacks (an
 * optimizer, a loss) leaves the model uncompiled with a WARN line saying why; a metric cnn4j lacks
 * is left out.
 */
final class KerasTraining {
  private static final Logger LOG = LoggerFactory.getLogger(KerasTraining.class);

  private KerasTraining() {}

  /** Compiles {@code model} as the settings say; returns why not when it cannot. */
  static String compile(Model model, Map<String, Object> settings, String file) {
    if (settings.get("optimizer_config") == null && settings.get("optimizer") == null) {
      return "not compiled"; // Keras 3 writes an empty compile_config for a model never compiled
    }
    try {
      Object opt =
          settings.containsKey("optimizer_config")
              ? settings.get("optimizer_config")
              : settings.get("optimizer");
      Optimizer optimizer = optimizer(opt);
      List<String> outputs = model.outputNames();
      Map<String, Loss> losses = new LinkedHashMap<>();
      Object loss = settings.get("loss");
      for (int i = 0; i < outputs.size(); i++) {
        Object l = perOutput(loss, outputs.get(i), i);
        if (l == null)
          throw new IllegalArgumentException("no loss for output '" + outputs.get(i) + "'");
        losses.put(outputs.get(i), loss(l));
      }
      Map<String, Double> weights = new LinkedHashMap<>();
      Object lw = settings.get("loss_weights");
      for (int i = 0; i < outputs.size() && lw != null; i++) {
        Object w = perOutput(lw, outputs.get(i), i);
        if (w instanceof Number n) weights.put(outputs.get(i), n.doubleValue());
      }
      Map<String, List<String>> metrics = new LinkedHashMap<>();
      List<String> dropped = new ArrayList<>();
      Object m = settings.get("metrics");
      for (int i = 0; i < outputs.size(); i++) {
        List<?> list = perOutputList(m, outputs.get(i), i, outputs.size());
        List<String> names = new ArrayList<>();
        for (Object o : list) {
          String name = metric(o);
          try {
            Metric.of(name);
            names.add(name);
          } catch (IllegalArgumentException e) {
            dropped.add(name);
          }
        }
        metrics.put(outputs.get(i), names);
      }
      if (!dropped.isEmpty())
        LOG.warn("{}: metrics cnn4j does not have were left out: {}", file, dropped);
      model.compile(optimizer, losses, weights, metrics);
      return null;
    } catch (IllegalArgumentException | ClassCastException e) {
      LOG.warn(
          "{}: the model is loaded uncompiled: its training settings are not all in cnn4j ({})",
          file,
          e.getMessage());
      return e.getMessage();
    }
  }

  private static Object perOutput(Object v, String output, int i) {
    if (v instanceof Map<?, ?> m && !m.containsKey("class_name")) return m.get(output);
    if (v instanceof List<?> l) return i < l.size() ? l.get(i) : null;
    return v;
  }

  /** Keras 2.4+ nests metrics per output ([[...]]); older files list them for every output. */
  private static List<?> perOutputList(Object v, String output, int i, int outputs) {
    if (v == null) return List.of();
    if (v instanceof Map<?, ?> m) {
      Object x = m.get(output);
      return x instanceof List<?> l ? l : x == null ? List.of() : List.of(x);
    }
    if (v instanceof List<?> l) {
      if (!l.isEmpty() && l.stream().allMatch(x -> x instanceof List<?> || x == null)) {
        Object x = i < l.size() ? l.get(i) : null;
        return x instanceof List<?> xl ? xl : List.of();
      }
      return l;
    }
    return List.of(v);
  }

  private static String metric(Object o) {
    if (o instanceof String s) return snake(s);
    if (o instanceof Map<?, ?> m
        && m.get("config") instanceof Map<?, ?> c
        && c.get("name") instanceof String n) {
      return snake(n);
    }
    if (o instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) return snake(cls);
    return String.valueOf(o);
  }

  private static String snake(String s) {
    String n = KerasLayers.camelToSnake(s);
    return switch (n) {
      case "acc" -> "accuracy";
      case "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy" ->
          n;
      default -> n;
    };
  }

  static Loss loss(Object v) {
    String name;
    if (v instanceof String s) name = snake(s);
    else if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
      Map<?, ?> c = m.get("config") instanceof Map<?, ?> x ? x : Map.of();
      if (Boolean.TRUE.equals(c.get("from_logits")))
        throw new IllegalArgumentException("loss " + cls + " with from_logits=True");
      if (c.get("label_smoothing") instanceof Number ls && ls.doubleValue() != 0)
        throw new IllegalArgumentException("loss " + cls + " with label_smoothing");
      name = c.get("fn") instanceof String fn ? fn : snake(cls);
    } else throw new IllegalArgumentException("loss " + KerasJson.write(v));
    if (name.equals("mean_squared_error") || name.equals("mse")) name = "mean_squared_error";
    return Loss.of(name);
  }

  static Optimizer optimizer(Object v) {
    if (v instanceof String s) return Optimizer.of(s);
    if (!(v instanceof Map<?, ?> m) || !(m.get("class_name") instanceof String cls))
      throw new IllegalArgumentException("no optimizer");
    @SuppressWarnings("unchecked")
    Cfg c = new Cfg(m.get("config") instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of());
    String name = cls.replace("Custom>", "").toLowerCase(Locale.ROOT);
    Object lrValue = c.first("learning_rate", "lr");
    LearningRateSchedule schedule = lrValue instanceof Map<?, ?> s ? schedule(s) : null;
    double lr =
        schedule != null
            ? schedule.at(0)
            : lrValue instanceof Number n ? n.doubleValue() : Double.NaN;
    if (c.real("decay", 0) != 0)
      throw new IllegalArgumentException(
          "optimizer " + cls + " with Keras 2's decay=" + c.get("decay"));
    for (String k : List.of("clipnorm", "clipvalue", "global_clipnorm"))
      if (c.has(k)) throw new IllegalArgumentException("optimizer " + cls + " with " + k);
    if (c.bool("use_ema", false))
      throw new IllegalArgumentException("optimizer " + cls + " with use_ema");
    Optimizer opt =
        switch (name) {
          case "sgd" -> new SGD(or(lr, 0.01), c.real("momentum", 0), c.bool("nesterov", false));
          case "adam" -> {
            if (c.bool("amsgrad", false))
              throw new IllegalArgumentException("Adam with amsgrad=True");
            if (c.has("weight_decay") && c.real("weight_decay", 0) != 0)
              throw new IllegalArgumentException("Adam with weight_decay");
            yield new Adam(
                or(lr, 0.001),
                c.real("beta_1", 0.9),
                c.real("beta_2", 0.999),
                c.real("epsilon", 1e-7));
          }
          case "adamw" ->
              new AdamW(
                  or(lr, 0.001),
                  c.real("weight_decay", 0.004),
                  c.real("beta_1", 0.9),
                  c.real("beta_2", 0.999),
                  c.real("epsilon", 1e-7));
          case "rmsprop" -> {
            if (c.real("momentum", 0) != 0 || c.bool("centered", false))
              throw new IllegalArgumentException("RMSprop with momentum or centered");
            yield new RMSprop(or(lr, 0.001), c.real("rho", 0.9), c.real("epsilon", 1e-7));
          }
          default ->
              throw new IllegalArgumentException(
                  "optimizer " + cls + " (cnn4j has SGD, Adam, AdamW, RMSprop)");
        };
    if (schedule != null) opt.learningRateSchedule(schedule);
    return opt;
  }

  private static double or(double v, double def) {
    return Double.isNaN(v) ? def : v;
  }

  @SuppressWarnings("unchecked")
  private static LearningRateSchedule schedule(Map<?, ?> s) {
    String cls = String.valueOf(s.get("class_name"));
    Cfg c = new Cfg(s.get("config") instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of());
    return switch (cls) {
      case "ExponentialDecay" ->
          new ExponentialDecay(
              c.real("initial_learning_rate", 0.01),
              (long) c.real("decay_steps", 1),
              c.real("decay_rate", 1),
              c.bool("staircase", false));
      case "CosineDecay" ->
          new CosineDecay(
              c.real("initial_learning_rate", 0.01),
              (long) c.real("decay_steps", 1),
              c.real("alpha", 0),
              c.has("warmup_target") ? c.real("warmup_target", 0) : null,
              (long) c.real("warmup_steps", 0));
      case "PiecewiseConstantDecay" -> {
        List<?> b = c.list("boundaries");
        List<?> v = c.list("values");
        long[] bounds = new long[b.size()];
        for (int i = 0; i < bounds.length; i++) bounds[i] = ((Number) b.get(i)).longValue();
        double[] values = new double[v.size()];
        for (int i = 0; i < values.length; i++) values[i] = ((Number) v.get(i)).doubleValue();
        yield new PiecewiseConstantDecay(bounds, values);
      }
      default -> throw new IllegalArgumentException("learning rate schedule " + cls);
    };
  }

  /** Keras 3's compile_config for a compiled cnn4j model, or null. */
  static Map<String, Object> compileConfig(Model model) {
    if (model.optimizer() == null || model.loss() == null) return null;
    Map<String, Object> opt = new LinkedHashMap<>(model.optimizer().config());
    String name = String.valueOf(opt.get("name"));
    String cls =
        switch (name) {
          case "sgd" -> "SGD";
          case "adam" -> "Adam";
          case "adamw" -> "AdamW";
          case "rmsprop" -> "RMSprop";
          default -> name;
        };
    if (opt.get("learning_rate") instanceof Map<?, ?> lr) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("module", "keras.optimizers.schedules");
      s.put("class_name", lr.get("class_name"));
      s.put("config", lr.get("config"));
      s.put("registered_name", null);
      opt.put("learning_rate", s);
    }
    Map<String, Object> optimizer = new LinkedHashMap<>();
    optimizer.put("module", "keras.optimizers");
    optimizer.put("class_name", cls);
    optimizer.put("config", opt);
    optimizer.put("registered_name", null);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("optimizer", optimizer);
    if (model.outputs().size() == 1) {
      c.put("loss", model.loss().name());
      c.put("loss_weights", null);
      c.put("metrics", new ArrayList<>(model.metricNames()));
    } else {
      Map<String, Object> losses = new LinkedHashMap<>();
      model.losses().forEach((k, v) -> losses.put(k, v.name()));
      c.put("loss", losses);
      c.put("loss_weights", new LinkedHashMap<String, Object>(model.lossWeights()));
      c.put("metrics", new LinkedHashMap<String, Object>(model.metricNamesPerOutput()));
    }
    c.put("weighted_metrics", null);
    c.put("run_eagerly", false);
    c.put("steps_per_execution", 1);
    c.put("jit_compile", false);
    return c;
  }
}
