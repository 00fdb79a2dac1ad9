package org.cnn4j.keras;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cnn4j.data.FillMode;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Activations;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.Average;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Cropping2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.ELU;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.GlobalMaxPooling2D;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.LayerNormalization;
import org.cnn4j.layers.LeakyReLU;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.Maximum;
import org.cnn4j.layers.Minimum;
import org.cnn4j.layers.Multiply;
import org.cnn4j.layers.Permute;
import org.cnn4j.layers.RandomFlip;
import org.cnn4j.layers.RandomRotation;
import org.cnn4j.layers.RandomTranslation;
import org.cnn4j.layers.RandomZoom;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.Rescaling;
import org.cnn4j.layers.Reshape;
import org.cnn4j.layers.SeparableConv2D;
import org.cnn4j.layers.Softmax;
import org.cnn4j.layers.SpatialDropout2D;
import org.cnn4j.layers.Subtract;
import org.cnn4j.layers.UpSampling2D;
import org.cnn4j.layers.ZeroPadding2D;
import org.cnn4j.regularizers.Regularizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Keras layer config (Keras 1, 2 or 3, or TensorFlow.js, which writes Keras 2's) as the cnn4j
 * layer that computes the same thing, with Keras' defaults for what the config leaves out.
 *
 * <p>Keras 1's argument names are renamed as Keras 2's {@code legacy/interfaces.py} did ({@code
 * nb_filter} to {@code filters}, {@code border_mode} to {@code padding}, {@code dim_ordering} "th"
 * to {@code data_format} "channels_first", ...). What changes the computation and cnn4j cannot do
 * is an {@link Unsupported} naming the argument; what only shapes training (constraints, bias and
 * activity regularizers, initializers cnn4j lacks) is dropped with one WARN line per model.
 */
final class KerasLayers {
  private static final Logger LOG = LoggerFactory.getLogger(KerasLayers.class);

  private KerasLayers() {}

  /** Why a layer config cannot be imported; the message says what cnn4j lacks. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  /** The classes this translator knows, besides nested Sequential, Functional and Model. */
  static final Set<String> SUPPORTED =
      Set.of(
          "InputLayer",
          "Conv2D",
          "Convolution2D",
          "AtrousConvolution2D",
          "DepthwiseConv2D",
          "SeparableConv2D",
          "SeparableConvolution2D",
          "Dense",
          "MaxPooling2D",
          "AveragePooling2D",
          "GlobalAveragePooling2D",
          "GlobalMaxPooling2D",
          "Flatten",
          "Reshape",
          "Permute",
          "Dropout",
          "SpatialDropout2D",
          "BatchNormalization",
          "LayerNormalization",
          "Activation",
          "ReLU",
          "LeakyReLU",
          "ELU",
          "Softmax",
          "Add",
          "Subtract",
          "Multiply",
          "Average",
          "Maximum",
          "Minimum",
          "Concatenate",
          "Merge",
          "ZeroPadding2D",
          "Cropping2D",
          "UpSampling2D",
          "Rescaling",
          "RandomFlip",
          "RandomRotation",
          "RandomTranslation",
          "RandomZoom");

  /** Keras 1's argument names and Keras 2's, as Keras 2's legacy interfaces converted them. */
  private static final Map<String, String> KERAS1_NAMES =
      Map.ofEntries(
          Map.entry("nb_filter", "filters"),
          Map.entry("subsample", "strides"),
          Map.entry("border_mode", "padding"),
          Map.entry("dim_ordering", "data_format"),
          Map.entry("init", "kernel_initializer"),
          Map.entry("W_regularizer", "kernel_regularizer"),
          Map.entry("b_regularizer", "bias_regularizer"),
          Map.entry("W_constraint", "kernel_constraint"),
          Map.entry("b_constraint", "bias_constraint"),
          Map.entry("bias", "use_bias"),
          Map.entry("output_dim", "units"),
          Map.entry("p", "rate"),
          Map.entry("atrous_rate", "dilation_rate"),
          Map.entry("beta_init", "beta_initializer"),
          Map.entry("gamma_init", "gamma_initializer"));

  /** What the translation of one model needs to know besides the layer's own config. */
  static final class Context {
    /** The major Keras version that wrote the file: 1, 2 or 3. */
    final int kerasMajor;

    /** Whether the model is channels_first: its image tensors are converted to NHWC. */
    boolean channelsFirst;

    /** Training-only settings dropped, reported once per model. */
    final Set<String> dropped = new java.util.TreeSet<>();

    Context(int kerasMajor) {
      this.kerasMajor = kerasMajor;
    }

    void drop(String what) {
      dropped.add(what);
    }

    void reportDropped(String model) {
      if (!dropped.isEmpty()) {
        LOG.warn(
            "{}: training-only settings cnn4j does not have were left out: {}", model, dropped);
      }
    }
  }

  /** The class name as Keras 2 and 3 call it. */
  static String modernClass(String cls) {
    return switch (cls) {
      case "Convolution2D", "AtrousConvolution2D" -> "Conv2D";
      case "SeparableConvolution2D" -> "SeparableConv2D";
      default -> cls;
    };
  }

  /** The config with Keras 1's argument names and values renamed as Keras 2 names them. */
  static Map<String, Object> keras2Args(String cls, Map<String, Object> config) {
    Map<String, Object> c = new LinkedHashMap<>(config);
    for (var e : KERAS1_NAMES.entrySet()) {
      if (c.containsKey(e.getKey()) && !c.containsKey(e.getValue())) {
        c.put(e.getValue(), c.remove(e.getKey()));
      }
    }
    if (c.get("data_format") instanceof String s) {
      switch (s) {
        case "th" -> c.put("data_format", "channels_first");
        case "tf" -> c.put("data_format", "channels_last");
        case "default" -> c.put("data_format", null);
        default -> {}
      }
    }
    if (c.containsKey("nb_row") && c.containsKey("nb_col") && !c.containsKey("kernel_size")) {
      c.put("kernel_size", List.of(c.remove("nb_row"), c.remove("nb_col")));
    }
    if (cls.equals("SeparableConvolution2D") && c.containsKey("kernel_initializer")) {
      Object init = c.remove("kernel_initializer");
      c.putIfAbsent("depthwise_initializer", init);
      c.putIfAbsent("pointwise_initializer", init);
    }
    return c;
  }

  /** Whether a layer config asks for channels_first. */
  static boolean channelsFirst(Map<String, Object> keras2Config) {
    return "channels_first".equals(keras2Config.get("data_format"));
  }

  /**
   * The cnn4j layer for a Keras layer config (already renamed by {@link #keras2Args}), its name
   * set. InputLayer is handled by the graph builder.
   *
   * @param inputRank the rank of the layer's first input without the batch axis, or -1 when not
   *     known yet (a first pass that only checks the config)
   */
  static Layer create(String cls, Map<String, Object> config, int inputRank, Context ctx)
      throws Unsupported {
    Cfg c = new Cfg(config);
    try {
      Layer layer = make(modernClass(cls), cls, c, inputRank, ctx);
      String name = c.string("name", null);
      if (name != null) layer.name(name);
      if (!c.bool("trainable", true)) layer.trainable(false);
      return layer;
    } catch (IllegalArgumentException e) {
      throw new Unsupported(e.getMessage());
    }
  }

  private static Layer make(String cls, String original, Cfg c, int rank, Context ctx)
      throws Unsupported {
    checkDataFormat(cls, c, ctx);
    if (c.has("dtype") && c.get("dtype") instanceof String dt && !dt.equals("float32")) {
      if (!dt.startsWith("float") && !dt.startsWith("mixed") && !dt.equals("bfloat16"))
        throw new Unsupported("dtype " + dt + ": cnn4j computes in float32");
    }
    return switch (cls) {
      case "Conv2D" -> conv2d(c, ctx);
      case "DepthwiseConv2D" -> depthwise(c, ctx);
      case "SeparableConv2D" -> separable(c, ctx);
      case "Dense" -> dense(c, rank, ctx);
      case "MaxPooling2D", "AveragePooling2D" -> pooling(cls, c);
      case "GlobalAveragePooling2D" -> new GlobalAveragePooling2D(c.bool("keepdims", false));
      case "GlobalMaxPooling2D" -> new GlobalMaxPooling2D(c.bool("keepdims", false));
      case "Flatten" -> new Flatten();
      case "Reshape" -> {
        if (ctx.channelsFirst)
          throw new Unsupported("Reshape in a channels_first model (its axes would change order)");
        yield new Reshape(c.ints("target_shape", -1, null));
      }
      case "Permute" -> {
        if (ctx.channelsFirst)
          throw new Unsupported("Permute in a channels_first model (its axes would change order)");
        yield new Permute(c.ints("dims", -1, null));
      }
      case "Dropout" -> {
        if (c.has("noise_shape")) ctx.drop("Dropout noise_shape");
        yield new Dropout(c.real("rate", 0));
      }
      case "SpatialDropout2D" -> new SpatialDropout2D(c.real("rate", 0));
      case "BatchNormalization" -> batchNorm(c, rank, ctx);
      case "LayerNormalization" -> layerNorm(c, rank, ctx);
      case "Activation" -> new Activation(activation(c.get("activation"), ctx));
      case "ReLU" -> {
        Double max = c.has("max_value") ? c.real("max_value", 0) : null;
        if (max != null && Double.isInfinite(max)) max = null;
        yield new ReLU(max, c.real("negative_slope", 0), c.real("threshold", 0));
      }
      case "LeakyReLU" -> new LeakyReLU(c.real("negative_slope", c.real("alpha", 0.3)));
      case "ELU" -> new ELU(c.real("alpha", 1.0));
      case "Softmax" -> new Softmax(axis(c.integer("axis", -1), rank, ctx, "Softmax axis"));
      case "Add" -> new Add();
      case "Subtract" -> new Subtract();
      case "Multiply" -> new Multiply();
      case "Average" -> new Average();
      case "Maximum" -> new Maximum();
      case "Minimum" -> new Minimum();
      case "Concatenate" ->
          new Concatenate(axis(c.integer("axis", -1), rank, ctx, "Concatenate axis"));
      case "Merge" -> merge(c, rank, ctx);
      case "ZeroPadding2D" -> new ZeroPadding2D(amounts(c.get("padding"), "padding", 1));
      case "Cropping2D" -> new Cropping2D(amounts(c.get("cropping"), "cropping", 0));
      case "UpSampling2D" -> {
        int[] s = c.ints("size", 2, new int[] {2, 2});
        yield new UpSampling2D(s[0], s[1], c.string("interpolation", "nearest"));
      }
      case "Rescaling" -> {
        if (c.get("scale") instanceof List<?> || c.get("offset") instanceof List<?>)
          throw new Unsupported("Rescaling with a scale or offset per channel");
        yield new Rescaling(c.real("scale", 1), c.real("offset", 0));
      }
      case "RandomFlip" ->
          new RandomFlip(RandomFlip.Mode.of(c.string("mode", "horizontal_and_vertical")), seed(c));
      case "RandomRotation" -> {
        double[] f = range(c.get("factor"), "factor");
        yield new RandomRotation(f[0], f[1], fill(c), c.real("fill_value", 0), seed(c));
      }
      case "RandomTranslation" ->
          new RandomTranslation(
              range(c.get("height_factor"), "height_factor"),
              range(c.get("width_factor"), "width_factor"),
              fill(c),
              c.real("fill_value", 0),
              seed(c));
      case "RandomZoom" -> {
        double[] h = range(c.get("height_factor"), "height_factor");
        double[] w = c.has("width_factor") ? range(c.get("width_factor"), "width_factor") : null;
        yield new RandomZoom(h[0], h[1], w, fill(c), c.real("fill_value", 0), seed(c));
      }
      default -> throw new Unsupported(unknownClassMessage(original));
    };
  }

  /** Why a class is not importable. */
  static String unknownClassMessage(String cls) {
    return switch (cls) {
      case "Lambda", "TFOpLambda", "SlicingOpLambda" ->
          "a " + cls + " layer runs Python code, which cannot be imported";
      default -> "cnn4j has no " + cls + " layer";
    };
  }

  private static void checkDataFormat(String cls, Cfg c, Context ctx) throws Unsupported {
    String df = c.string("data_format", null);
    if (df == null || cls.equals("Flatten")) return;
    if (!df.equals("channels_first") && !df.equals("channels_last"))
      throw new Unsupported("data_format " + df);
    if (df.equals("channels_first") != ctx.channelsFirst) {
      throw new Unsupported(
          "data_format "
              + df
              + " in a model whose other layers are "
              + (ctx.channelsFirst ? "channels_first" : "channels_last")
              + " (a model mixing both is not converted)");
    }
  }

  private static int[] strides(Cfg c) {
    return c.ints("strides", 2, new int[] {1, 1});
  }

  private static Layer conv2d(Cfg c, Context ctx) throws Unsupported {
    int[] k = c.ints("kernel_size", 2, null);
    if (k == null) throw new Unsupported("no kernel_size");
    Conv2D conv = new Conv2D(c.integer("filters", 0), k[0], k[1]);
    int[] s = strides(c);
    int[] d = c.ints("dilation_rate", 2, new int[] {1, 1});
    if (d[0] != 1 || d[1] != 1) conv.dilationRate(d[0], d[1]);
    if (s[0] != 1 || s[1] != 1) conv.strides(s[0], s[1]);
    conv.padding(padding(c))
        .groups(c.integer("groups", 1))
        .useBias(c.bool("use_bias", true))
        .activation(activation(c.get("activation"), ctx))
        .kernelInitializer(initializer(c.get("kernel_initializer"), ctx))
        .kernelRegularizer(regularizer(c.get("kernel_regularizer"), ctx));
    trainingOnly(
        c, ctx, "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint");
    return conv;
  }

  private static Layer depthwise(Cfg c, Context ctx) throws Unsupported {
    int[] k = c.ints("kernel_size", 2, null);
    if (k == null) throw new Unsupported("no kernel_size");
    DepthwiseConv2D d =
        new DepthwiseConv2D(k[0], k[1]).depthMultiplier(c.integer("depth_multiplier", 1));
    int[] s = strides(c);
    int[] dil = c.ints("dilation_rate", 2, new int[] {1, 1});
    if (dil[0] != 1 || dil[1] != 1) d.dilationRate(dil[0], dil[1]);
    if (s[0] != 1 || s[1] != 1) d.strides(s[0], s[1]);
    d.padding(padding(c))
        .useBias(c.bool("use_bias", true))
        .activation(activation(c.get("activation"), ctx))
        .kernelInitializer(initializer(c.get("depthwise_initializer"), ctx))
        .kernelRegularizer(regularizer(c.get("depthwise_regularizer"), ctx));
    trainingOnly(
        c,
        ctx,
        "bias_regularizer",
        "activity_regularizer",
        "depthwise_constraint",
        "bias_constraint");
    return d;
  }

  private static Layer separable(Cfg c, Context ctx) throws Unsupported {
    int[] k = c.ints("kernel_size", 2, null);
    if (k == null) throw new Unsupported("no kernel_size");
    SeparableConv2D sep =
        new SeparableConv2D(c.integer("filters", 0), k[0], k[1])
            .depthMultiplier(c.integer("depth_multiplier", 1));
    int[] s = strides(c);
    int[] dil = c.ints("dilation_rate", 2, new int[] {1, 1});
    if (dil[0] != dil[1])
      throw new Unsupported(
          "SeparableConv2D with different dilation rates per axis " + KerasShapes.toString(dil));
    if (dil[0] != 1) sep.dilationRate(dil[0]);
    if (s[0] != 1 || s[1] != 1) sep.strides(s[0], s[1]);
    sep.padding(padding(c))
        .useBias(c.bool("use_bias", true))
        .activation(activation(c.get("activation"), ctx))
        .depthwiseInitializer(initializer(c.get("depthwise_initializer"), ctx))
        .pointwiseInitializer(initializer(c.get("pointwise_initializer"), ctx))
        .depthwiseRegularizer(regularizer(c.get("depthwise_regularizer"), ctx))
        .pointwiseRegularizer(regularizer(c.get("pointwise_regularizer"), ctx));
    trainingOnly(
        c,
        ctx,
        "bias_regularizer",
        "activity_regularizer",
        "depthwise_constraint",
        "pointwise_constraint",
        "bias_constraint");
    return sep;
  }

  private static Layer dense(Cfg c, int rank, Context ctx) throws Unsupported {
    if (ctx.channelsFirst && rank > 1)
      throw new Unsupported(
          "Dense on an image tensor in a channels_first model (its last axis would change)");
    if (c.has("lora_rank")) throw new Unsupported("Dense with LoRA (lora_rank)");
    if (c.has("quantization_config")) throw new Unsupported("a quantized Dense");
    Dense d =
        new Dense(c.integer("units", 0))
            .activation(activation(c.get("activation"), ctx))
            .useBias(c.bool("use_bias", true))
            .kernelInitializer(initializer(c.get("kernel_initializer"), ctx))
            .kernelRegularizer(regularizer(c.get("kernel_regularizer"), ctx));
    trainingOnly(
        c, ctx, "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint");
    return d;
  }

  private static Layer pooling(String cls, Cfg c) throws Unsupported {
    int[] p = c.ints("pool_size", 2, new int[] {2, 2});
    int[] s = c.ints("strides", 2, p);
    String padding = padding(c);
    boolean defaultStrides = s[0] == p[0] && s[1] == p[1];
    if (!defaultStrides && s[0] != s[1]) {
      throw new Unsupported(
          cls
              + " with different strides per axis "
              + KerasShapes.toString(s)
              + " than its pool size");
    }
    if (cls.equals("MaxPooling2D")) {
      MaxPooling2D m = new MaxPooling2D(p[0], p[1]).padding(padding);
      return defaultStrides ? m : m.strides(s[0]);
    }
    AveragePooling2D a = new AveragePooling2D(p[0], p[1]).padding(padding);
    return defaultStrides ? a : a.strides(s[0]);
  }

  private static String padding(Cfg c) throws Unsupported {
    String p = c.string("padding", "valid").toLowerCase(Locale.ROOT);
    if (!p.equals("valid") && !p.equals("same")) throw new Unsupported("padding \"" + p + "\"");
    return p;
  }

  private static Layer batchNorm(Cfg c, int rank, Context ctx) throws Unsupported {
    Object mode = c.get("mode");
    if (mode != null && !(mode instanceof Number n && n.intValue() == 0)) {
      throw new Unsupported(
          "BatchNormalization mode="
              + mode
              + " (Keras 1's sample-wise modes; Keras 2 dropped them too)");
    }
    Object axis = c.get("axis");
    if (axis instanceof List<?> l && l.size() == 1) axis = l.get(0);
    int a = axis == null ? -1 : Cfg.toInt("axis", axis);
    if (!channelAxis(a, rank, ctx)) {
      throw new Unsupported(
          "BatchNormalization over axis "
              + a
              + (ctx.channelsFirst ? " of a channels_first model" : "")
              + ": cnn4j normalises the channels (the last axis) only");
    }
    if (!c.bool("center", true) || !c.bool("scale", true)) {
      throw new Unsupported(
          "BatchNormalization with center=False or scale=False (cnn4j's has both beta and gamma)");
    }
    if (c.bool("renorm", false)) ctx.drop("BatchNormalization renorm");
    if (c.has("virtual_batch_size")) ctx.drop("BatchNormalization virtual_batch_size");
    trainingOnly(
        c, ctx, "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    return new BatchNormalization()
        .momentum(c.real("momentum", 0.99))
        .epsilon(c.real("epsilon", 1e-3));
  }

  private static Layer layerNorm(Cfg c, int rank, Context ctx) throws Unsupported {
    Object axis = c.get("axis");
    if (axis instanceof List<?> l && l.size() == 1) axis = l.get(0);
    int a = axis == null ? -1 : Cfg.toInt("axis", axis);
    if (ctx.channelsFirst || !(a == -1 || (rank > 0 && a == rank))) {
      throw new Unsupported(
          "LayerNormalization over axis "
              + c.get("axis")
              + ": cnn4j normalises the last axis only");
    }
    if (c.bool("rms_scaling", false)) throw new Unsupported("LayerNormalization with rms_scaling");
    trainingOnly(
        c, ctx, "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    return new LayerNormalization()
        .epsilon(c.real("epsilon", 1e-3))
        .center(c.bool("center", true))
        .scale(c.bool("scale", true));
  }

  /** Whether Keras' {@code axis} is the channels of an input of sample rank {@code rank}. */
  private static boolean channelAxis(int axis, int rank, Context ctx) {
    if (ctx.channelsFirst) return axis == 1 || (rank == 1 && axis == -1);
    if (axis == -1) return true;
    return rank < 0 ? axis > 0 : axis == rank;
  }

  /**
   * Keras' axis (batch axis 0) in the cnn4j model: in a channels_first model an image's axes 1, 2,
   * 3 (channels, height, width) become 3, 1, 2.
   */
  private static int axis(int axis, int rank, Context ctx, String what) throws Unsupported {
    if (!ctx.channelsFirst || rank == 1) return axis;
    if (rank < 0) return axis; // checked when the input's rank is known
    if (rank != 3)
      throw new Unsupported(
          what + " on a rank-" + (rank + 1) + " tensor of a channels_first model");
    int a = axis < 0 ? axis + rank + 1 : axis;
    return switch (a) {
      case 1 -> 3;
      case 2 -> 1;
      case 3 -> 2;
      default -> throw new Unsupported(what + " " + axis);
    };
  }

  private static Layer merge(Cfg c, int rank, Context ctx) throws Unsupported {
    if (c.has("layers"))
      throw new Unsupported(
          "Keras 1's Merge of Sequential branches (rebuild it with Keras 2's merge layers)");
    if ("lambda".equals(c.string("mode_type", "raw")) || !(c.get("mode") instanceof String)) {
      throw new Unsupported("Keras 1's Merge with a Python function as its mode");
    }
    String mode = c.string("mode", "sum");
    return switch (mode) {
      case "sum" -> new Add();
      case "mul" -> new Multiply();
      case "ave" -> new Average();
      case "max" -> new Maximum();
      case "concat" ->
          new Concatenate(axis(c.integer("concat_axis", -1), rank, ctx, "Merge concat_axis"));
      default -> throw new Unsupported("Keras 1's Merge mode '" + mode + "'");
    };
  }

  /** Keras' padding or cropping: n, [h, w], [[top, bottom], [left, right]], or Keras 1's dict. */
  private static int[] amounts(Object v, String key, int def) throws Unsupported {
    if (v == null) return new int[] {def};
    if (v instanceof Number) return new int[] {Cfg.toInt(key, v)};
    if (v instanceof Map<?, ?> m) {
      return new int[] {
        intOr(m.get("top_pad"), 0), intOr(m.get("bottom_pad"), 0),
        intOr(m.get("left_pad"), 0), intOr(m.get("right_pad"), 0)
      };
    }
    if (v instanceof List<?> l && l.size() == 2) {
      if (l.get(0) instanceof Number && l.get(1) instanceof Number) return Cfg.ints(key, v, 2);
      if (l.get(0) instanceof List<?> a && l.get(1) instanceof List<?> b) {
        int[] x = Cfg.ints(key, a, 2);
        int[] y = Cfg.ints(key, b, 2);
        return new int[] {x[0], x[1], y[0], y[1]};
      }
    }
    throw new Unsupported(key + " " + KerasJson.write(v));
  }

  private static int intOr(Object v, int def) {
    return v == null ? def : Cfg.toInt("padding", v);
  }

  private static double[] range(Object v, String key) {
    if (v instanceof Number n)
      return new double[] {-Math.abs(n.doubleValue()), Math.abs(n.doubleValue())};
    if (v instanceof List<?> l
        && l.size() == 2
        && l.get(0) instanceof Number a
        && l.get(1) instanceof Number b) return new double[] {a.doubleValue(), b.doubleValue()};
    throw Cfg.bad(key, v, "a number or [lower, upper]");
  }

  private static FillMode fill(Cfg c) {
    return FillMode.of(c.string("fill_mode", "reflect"));
  }

  private static long seed(Cfg c) {
    return c.has("seed") ? ((Number) c.get("seed")).longValue() : 0L;
  }

  private static void trainingOnly(Cfg c, Context ctx, String... keys) {
    for (String k : keys) if (c.has(k)) ctx.drop(k);
  }

  /**
   * An activation: a name, or Keras 3's serialized form of a built-in. Keras 2's hard_sigmoid is
   * {@code clip(0.2 x + 0.5)}, unlike Keras 3's {@code relu6(x + 3) / 6} that cnn4j computes.
   */
  static String activation(Object v, Context ctx) throws Unsupported {
    if (v == null) return "linear";
    String name;
    if (v instanceof String s) name = s;
    else if (v instanceof Map<?, ?> m
        && m.get("config") instanceof String s
        && ("keras.activations".equals(m.get("module")) || "function".equals(m.get("class_name")))
        && m.get("registered_name") == null) name = s;
    else if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String s) {
      throw new Unsupported("activation " + s + " (a custom or layer activation)");
    } else throw new Unsupported("activation " + KerasJson.write(v));
    name = camelToSnake(name);
    if (name.equals("hard_sigmoid") && ctx.kerasMajor < 3) {
      throw new Unsupported(
          "Keras "
              + ctx.kerasMajor
              + "'s hard_sigmoid (clip(0.2 x + 0.5)); cnn4j has Keras 3's (relu6(x + 3) / 6)");
    }
    if (name.equals("leaky_relu") && ctx.kerasMajor < 3) {
      throw new Unsupported(
          "activation leaky_relu of Keras "
              + ctx.kerasMajor
              + " (its slope differs from Keras 3's 0.2)");
    }
    try {
      Activations.of(name);
    } catch (IllegalArgumentException e) {
      throw new Unsupported("activation '" + name + "': cnn4j has " + Activations.NAMES);
    }
    return name;
  }

  /** TensorFlow.js writes camelCase names ("relu6", "hardSigmoid", "softplus"). */
  static String camelToSnake(String s) {
    return s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private static final Map<String, String> INITIALIZERS = new HashMap<>();

  static {
    for (String n :
        List.of(
            "glorot_uniform",
            "glorot_normal",
            "he_uniform",
            "he_normal",
            "lecun_uniform",
            "lecun_normal",
            "zeros",
            "ones",
            "random_normal",
            "random_uniform",
            "truncated_normal",
            "orthogonal")) INITIALIZERS.put(n, n);
  }

  /** A kernel initializer cnn4j has, else glorot_uniform (the weights are loaded anyway). */
  private static String initializer(Object v, Context ctx) {
    String name = null;
    if (v instanceof String s) name = camelToSnake(s);
    else if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
      name = camelToSnake(cls);
      if (name.equals("variance_scaling") && m.get("config") instanceof Map<?, ?> cfg) {
        // Keras 2 wrote glorot_uniform as VarianceScaling(1, fan_avg, uniform).
        String mode = String.valueOf(cfg.get("mode"));
        String dist = String.valueOf(cfg.get("distribution"));
        double scale = cfg.get("scale") instanceof Number n ? n.doubleValue() : 1;
        String family =
            scale == 1 && mode.equals("fan_avg")
                ? "glorot"
                : scale == 2 && mode.equals("fan_in")
                    ? "he"
                    : scale == 1 && mode.equals("fan_in") ? "lecun" : null;
        String kind =
            dist.equals("uniform") ? "uniform" : dist.contains("normal") ? "normal" : null;
        name = family != null && kind != null ? family + "_" + kind : name;
      }
    }
    if (name == null) return "glorot_uniform";
    try {
      new Dense(1).kernelInitializer(name);
      return name;
    } catch (IllegalArgumentException e) {
      ctx.drop("initializer " + name);
      return "glorot_uniform";
    }
  }

  /** An L2 (or L1L2 with l1 = 0) regularizer; others are dropped as training-only. */
  private static Regularizer regularizer(Object v, Context ctx) {
    if (v == null) return null;
    if (v instanceof Map<?, ?> m
        && m.get("class_name") instanceof String cls
        && m.get("config") instanceof Map<?, ?> cfg) {
      double l1 = cfg.get("l1") instanceof Number n ? n.doubleValue() : 0;
      double l2 = cfg.get("l2") instanceof Number n ? n.doubleValue() : 0;
      if ((cls.equals("L2") || cls.equals("L1L2") || cls.equals("l2") || cls.equals("l1_l2"))
          && l1 == 0) {
        return l2 == 0 ? null : new org.cnn4j.regularizers.L2(l2);
      }
      ctx.drop("regularizer " + cls);
      return null;
    }
    ctx.drop("regularizer " + KerasJson.write(v));
    return null;
  }
}
