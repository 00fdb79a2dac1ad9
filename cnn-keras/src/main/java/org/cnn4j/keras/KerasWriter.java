package org.cnn4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Node;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;

/**
 * Writes a model as Keras 3 writes a {@code .keras} file: {@code metadata.json}, {@code
 * config.json} (each layer as {@code {module, class_name, config, registered_name, build_config}},
 * a functional model's calls as {@code inbound_nodes} of {@code __keras_tensor__} arguments, the
 * compile settings as {@code compile_config}) and {@code model.weights.h5} with each layer's
 * weights at {@code layers/<snake_case class>[_N]/vars/<i>} in Keras' layer order. Configs carry
 * only arguments every Keras 3 release takes. The optimizer's state is not written (Keras starts a
 * fresh one, with a warning).
 */
final class KerasWriter {
  private KerasWriter() {}

  /** The Keras release whose files these follow, and against which they are checked. */
  static final String KERAS_VERSION = "3.15.1";

  private static final String DTYPE = "float32";

  /** Every argument Keras 3 takes for a class, besides name, trainable and dtype. */
  private static final Map<String, List<String>> ARGS =
      Map.ofEntries(
          Map.entry(
              "Conv2D",
              List.of(
                  "filters",
                  "kernel_size",
                  "strides",
                  "padding",
                  "data_format",
                  "dilation_rate",
                  "groups",
                  "activation",
                  "use_bias",
                  "kernel_initializer",
                  "bias_initializer",
                  "kernel_regularizer",
                  "bias_regularizer",
                  "activity_regularizer",
                  "kernel_constraint",
                  "bias_constraint")),
          Map.entry(
              "DepthwiseConv2D",
              List.of(
                  "depth_multiplier",
                  "kernel_size",
                  "strides",
                  "padding",
                  "data_format",
                  "dilation_rate",
                  "activation",
                  "use_bias",
                  "depthwise_initializer",
                  "bias_initializer",
                  "depthwise_regularizer",
                  "bias_regularizer",
                  "activity_regularizer",
                  "depthwise_constraint",
                  "bias_constraint")),
          Map.entry(
              "SeparableConv2D",
              List.of(
                  "depth_multiplier",
                  "filters",
                  "kernel_size",
                  "strides",
                  "padding",
                  "data_format",
                  "dilation_rate",
                  "activation",
                  "use_bias",
                  "depthwise_initializer",
                  "pointwise_initializer",
                  "bias_initializer",
                  "depthwise_regularizer",
                  "pointwise_regularizer",
                  "bias_regularizer",
                  "activity_regularizer",
                  "depthwise_constraint",
                  "pointwise_constraint",
                  "bias_constraint")),
          Map.entry(
              "Dense",
              List.of(
                  "units",
                  "activation",
                  "use_bias",
                  "kernel_initializer",
                  "bias_initializer",
                  "kernel_regularizer",
                  "bias_regularizer",
                  "kernel_constraint",
                  "bias_constraint")),
          Map.entry("MaxPooling2D", List.of("pool_size", "padding", "strides", "data_format")),
          Map.entry("AveragePooling2D", List.of("pool_size", "padding", "strides", "data_format")),
          Map.entry("GlobalAveragePooling2D", List.of("data_format", "keepdims")),
          Map.entry("GlobalMaxPooling2D", List.of("data_format", "keepdims")),
          Map.entry("Flatten", List.of("data_format")),
          Map.entry("Reshape", List.of("target_shape")),
          Map.entry("Permute", List.of("dims")),
          Map.entry("Dropout", List.of("rate", "seed", "noise_shape")),
          Map.entry("SpatialDropout2D", List.of("rate", "seed", "data_format")),
          Map.entry(
              "BatchNormalization",
              List.of(
                  "axis",
                  "momentum",
                  "epsilon",
                  "center",
                  "scale",
                  "beta_initializer",
                  "gamma_initializer",
                  "moving_mean_initializer",
                  "moving_variance_initializer",
                  "beta_regularizer",
                  "gamma_regularizer",
                  "beta_constraint",
                  "gamma_constraint")),
          Map.entry(
              "LayerNormalization",
              List.of(
                  "axis",
                  "epsilon",
                  "center",
                  "scale",
                  "beta_initializer",
                  "gamma_initializer",
                  "beta_regularizer",
                  "gamma_regularizer",
                  "beta_constraint",
                  "gamma_constraint")),
          Map.entry("Activation", List.of("activation")),
          Map.entry("ReLU", List.of("max_value", "negative_slope", "threshold")),
          Map.entry("LeakyReLU", List.of("negative_slope")),
          Map.entry("ELU", List.of("alpha")),
          Map.entry("Softmax", List.of("axis")),
          Map.entry("Add", List.of()),
          Map.entry("Subtract", List.of()),
          Map.entry("Multiply", List.of()),
          Map.entry("Average", List.of()),
          Map.entry("Maximum", List.of()),
          Map.entry("Minimum", List.of()),
          Map.entry("Concatenate", List.of("axis")),
          Map.entry("ZeroPadding2D", List.of("padding", "data_format")),
          Map.entry("Cropping2D", List.of("cropping", "data_format")),
          Map.entry("UpSampling2D", List.of("size", "data_format", "interpolation")),
          Map.entry("Rescaling", List.of("scale", "offset")),
          Map.entry("RandomFlip", List.of("mode", "seed")),
          Map.entry(
              "RandomRotation",
              List.of("factor", "fill_mode", "fill_value", "interpolation", "seed")),
          Map.entry(
              "RandomTranslation",
              List.of(
                  "height_factor",
                  "width_factor",
                  "fill_mode",
                  "interpolation",
                  "seed",
                  "fill_value")),
          Map.entry(
              "RandomZoom",
              List.of(
                  "height_factor",
                  "width_factor",
                  "fill_mode",
                  "interpolation",
                  "seed",
                  "fill_value")));

  /** The initializer each argument defaults to when the cnn4j layer has none of its own. */
  private static final Map<String, String> DEFAULT_INITIALIZERS =
      Map.of(
          "bias_initializer", "zeros",
          "beta_initializer", "zeros",
          "gamma_initializer", "ones",
          "moving_mean_initializer", "zeros",
          "moving_variance_initializer", "ones");

  static void save(Model model, Path path) throws IOException {
    Map<String, Object> config = root(model);
    byte[] weights = weights(model, path);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("keras_version", KERAS_VERSION);
    meta.put(
        "date_saved",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
    meta.put("saved_by", "cnn4j");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("metadata.json", KerasJson.write(meta).getBytes(StandardCharsets.UTF_8));
    entries.put("config.json", KerasJson.write(config).getBytes(StandardCharsets.UTF_8));
    entries.put("model.weights.h5", weights);
    writeAtomically(path, entries);
  }

  // ---------------------------------------------------------------- config.json

  static Map<String, Object> root(Model model) {
    Map<String, Object> root = modelEntry(model);
    Map<String, Object> compile = KerasTraining.compileConfig(model);
    if (compile != null) root.put("compile_config", compile);
    return root;
  }

  private static Map<String, Object> modelEntry(Model model) {
    Map<String, Object> e = new LinkedHashMap<>();
    boolean seq = model instanceof Sequential;
    // As Keras 3 writes them: a functional model's class lives in keras.src.models.functional.
    e.put("module", seq ? "keras" : "keras.src.models.functional");
    e.put("class_name", seq ? "Sequential" : "Functional");
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", model.name());
    c.put("trainable", model.trainable());
    c.put("dtype", DTYPE);
    List<Object> layers = new ArrayList<>();
    if (seq) {
      layers.add(inputEntry((Input) model.inputs().get(0).layer(), false));
      for (Layer l : model.layers()) layers.add(layerEntry(l));
      c.put("layers", layers);
    } else {
      Set<Node> inModel = graphNodes(model);
      for (Layer l : KerasOrder.layers(model)) {
        Map<String, Object> entry = l instanceof Input in ? inputEntry(in, true) : layerEntry(l);
        entry.put("name", l.name());
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
        entry.put("inbound_nodes", inbound);
        layers.add(entry);
      }
      c.put("layers", layers);
      c.put("input_layers", endpoints(model.inputs(), inModel));
      c.put("output_layers", endpoints(model.outputs(), inModel));
    }
    e.put("config", c);
    e.put("registered_name", seq ? null : "Functional");
    Map<String, Object> build = new LinkedHashMap<>();
    build.put("input_shape", null);
    e.put(
        "build_config",
        seq ? buildConfig(model.inputs().stream().map(SymbolicTensor::shape).toList()) : build);
    return e;
  }

  private static Object endpoints(List<SymbolicTensor> ts, Set<Node> inModel) {
    List<Object> out = new ArrayList<>();
    for (SymbolicTensor t : ts) out.add(history(t, inModel));
    return out.size() == 1 ? out.get(0) : out;
  }

  private static Set<Node> graphNodes(Model model) {
    Set<Node> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
    java.util.ArrayDeque<SymbolicTensor> todo = new java.util.ArrayDeque<>(model.outputs());
    for (SymbolicTensor t : model.inputs()) nodes.add(t.node());
    while (!todo.isEmpty()) {
      SymbolicTensor t = todo.pop();
      if (nodes.add(t.node())) todo.addAll(t.node().inputs());
    }
    return nodes;
  }

  private static Map<String, Object> tensor(SymbolicTensor t, Set<Node> inModel) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("shape", batchShape(t.shape()));
    config.put("dtype", DTYPE);
    config.put("keras_history", history(t, inModel));
    Map<String, Object> kt = new LinkedHashMap<>();
    kt.put("class_name", "__keras_tensor__");
    kt.put("config", config);
    return kt;
  }

  /** {@code [layer, its call among those in this model, output]}, as Keras numbers calls. */
  private static List<Object> history(SymbolicTensor t, Set<Node> inModel) {
    int index = 0;
    for (Node n : t.layer().nodes()) {
      if (n == t.node()) break;
      if (inModel.contains(n)) index++;
    }
    return KerasJson.list(t.layer().name(), index, t.index());
  }

  private static List<Object> batchShape(Shape s) {
    List<Object> out = new ArrayList<>();
    out.add(null);
    for (int d : s.dims()) out.add(d);
    return out;
  }

  private static Map<String, Object> buildConfig(List<Shape> shapes) {
    Map<String, Object> b = new LinkedHashMap<>();
    if (shapes.size() == 1) b.put("input_shape", batchShape(shapes.get(0)));
    else b.put("input_shape", shapes.stream().map(KerasWriter::batchShape).toList());
    return b;
  }

  private static Map<String, Object> inputEntry(Input in, boolean functional) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("batch_shape", batchShape(in.shape()));
    c.put("dtype", DTYPE);
    c.put("sparse", false);
    c.put("name", in.name());
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("module", "keras.layers");
    e.put("class_name", "InputLayer");
    e.put("config", c);
    e.put("registered_name", null);
    return e;
  }

  private static Map<String, Object> layerEntry(Layer l) {
    if (l instanceof Model m) return modelEntry(m);
    String cls = l.typeName();
    List<String> args = ARGS.get(cls);
    if (args == null) {
      throw new IllegalArgumentException(
          "cannot save layer "
              + l.describe()
              + " as Keras: Keras files hold only "
              + new java.util.TreeSet<>(ARGS.keySet())
              + " and nested models");
    }
    Map<String, Object> own = l.config();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", l.name());
    c.put("trainable", l.trainable());
    c.put("dtype", DTYPE);
    for (String a : args) {
      Object v = own.get(a);
      if (a.equals("data_format")) v = "channels_last";
      else if (a.endsWith("_initializer"))
        v =
            initializer(
                v != null
                    ? String.valueOf(v)
                    : DEFAULT_INITIALIZERS.getOrDefault(a, "glorot_uniform"));
      else if (a.endsWith("_regularizer")) v = regularizer(v);
      else if (a.equals("activation")) v = activation(l, String.valueOf(v == null ? "linear" : v));
      else if (a.equals("seed") && v instanceof Number n && n.longValue() == 0) v = null;
      else if (v == null && !own.containsKey(a)) v = defaultArg(cls, a);
      c.put(a, v);
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("module", "keras.layers");
    e.put("class_name", cls);
    e.put("config", c);
    e.put("registered_name", null);
    e.put("build_config", buildConfig(l.inputShapes()));
    return e;
  }

  private static Object defaultArg(String cls, String a) {
    return switch (a) {
      case "center", "scale" -> true;
      case "axis" -> -1;
      case "interpolation" -> "bilinear";
      case "threshold", "offset" -> 0.0;
      default -> null;
    };
  }

  /** Keras 3 has no name for cnn4j's "gelu_approximate" (Keras' gelu(approximate=True)). */
  private static String activation(Layer l, String name) {
    if (name.equals("gelu_approximate")) {
      throw new IllegalArgumentException(
          "cannot save layer "
              + l.describe()
              + " as Keras: Keras has no activation name for gelu with approximate=True");
    }
    return name;
  }

  private static Map<String, Object> initializer(String name) {
    StringBuilder cls = new StringBuilder();
    for (String part : name.split("_"))
      cls.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    Map<String, Object> config = new LinkedHashMap<>();
    if (!name.equals("zeros") && !name.equals("ones")) config.put("seed", null);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", "keras.initializers");
    m.put("class_name", cls.toString());
    m.put("config", config);
    m.put("registered_name", null);
    return m;
  }

  private static Object regularizer(Object v) {
    if (!(v instanceof Map<?, ?> r)) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", "keras.regularizers");
    m.put("class_name", r.get("class_name"));
    m.put("config", r.get("config"));
    m.put("registered_name", null);
    return m;
  }

  // ---------------------------------------------------------------- model.weights.h5

  /** The weights file's bytes, written through jHDF into a temporary file beside {@code path}. */
  private static byte[] weights(Model model, Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".h5.tmp");
    try {
      List<float[]> values = model.getWeights();
      Map<Parameter, float[]> byParam = new IdentityHashMap<>();
      List<Parameter> ps = model.parameters();
      for (int i = 0; i < ps.size(); i++) byParam.put(ps.get(i), values.get(i));
      Files.delete(tmp);
      try (WritableHdfFile h5 = HdfFile.write(tmp)) {
        List<String> rootChildren = new ArrayList<>();
        writeLayers(h5.putGroup("layers"), model, byParam);
        rootChildren.add("layers");
        h5.putGroup("vars");
        rootChildren.add("vars");
        // jHDF 0.13 writes its own info block where the last dataset ended, over any group placed
        // after it; a small dataset written last keeps every group intact. Keras reads only the
        // paths it knows, so it never sees it.
        h5.putDataset(lastName(rootChildren), new int[] {1});
      }
      byte[] bytes = Files.readAllBytes(tmp);
      verify(bytes, path);
      return bytes;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads every group and dataset of the written file back: jHDF's writer is young (version 0.13
   * places its info block over a group written last), so nothing leaves here unread.
   */
  private static void verify(byte[] bytes, Path path) throws IOException {
    try (HdfFile h5 = HdfFile.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes))) {
      visit(h5);
    } catch (RuntimeException e) {
      throw new IOException(
          path
              + ": the HDF5 weights jHDF wrote do not read back ("
              + e.getMessage()
              + "); nothing was written",
          e);
    }
  }

  private static void visit(io.jhdf.api.Group g) {
    for (io.jhdf.api.Node n : g.getChildren().values()) {
      if (n instanceof io.jhdf.api.Group sub) visit(sub);
      else if (n instanceof io.jhdf.api.Dataset d) d.getDimensions();
    }
  }

  /** A name that jHDF's map of the root's children (a ConcurrentHashMap) iterates last. */
  private static String lastName(List<String> others) {
    for (int i = 0; ; i++) {
      String candidate = i == 0 ? "cnn4j" : "cnn4j_" + i;
      ConcurrentHashMap<String, Boolean> probe = new ConcurrentHashMap<>();
      for (String o : others) probe.put(o, true);
      probe.put(candidate, true);
      String last = null;
      for (String k : probe.keySet()) last = k;
      if (candidate.equals(last)) return candidate;
    }
  }

  private static void writeLayers(
      WritableGroup layers, Model model, Map<Parameter, float[]> values) {
    for (var e : KerasOrder.containerNames(model).entrySet()) {
      Layer l = e.getKey();
      WritableGroup g = layers.putGroup(e.getValue());
      if (l instanceof Model nested) {
        writeLayers(g.putGroup("layers"), nested, values);
        g.putGroup("vars");
        continue;
      }
      WritableGroup vars = g.putGroup("vars");
      List<Parameter> ps = l.parameters();
      for (int i = 0; i < ps.size(); i++) {
        vars.putDataset(
            Integer.toString(i), nested(values.get(ps.get(i)), ps.get(i).shape().dims()));
      }
    }
  }

  /** A flat row-major array as the nested Java array jHDF writes. */
  static Object nested(float[] flat, int[] shape) {
    if (shape.length <= 1) return flat.clone();
    Object out = java.lang.reflect.Array.newInstance(float.class, shape);
    fill(out, flat, 0, shape, 0);
    return out;
  }

  private static int fill(Object arr, float[] flat, int pos, int[] shape, int axis) {
    if (axis == shape.length - 1) {
      System.arraycopy(flat, pos, (float[]) arr, 0, shape[axis]);
      return pos + shape[axis];
    }
    for (int i = 0; i < shape[axis]; i++)
      pos = fill(java.lang.reflect.Array.get(arr, i), flat, pos, shape, axis + 1);
    return pos;
  }

  // ---------------------------------------------------------------- the archive

  /** Writes a temporary zip beside {@code path}, forces it to disk, then renames it over path. */
  static void writeAtomically(Path path, Map<String, byte[]> entries) throws IOException {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        ZipOutputStream zip = new ZipOutputStream(os);
        for (var e : entries.entrySet()) {
          zip.putNextEntry(new ZipEntry(e.getKey()));
          zip.write(e.getValue());
          zip.closeEntry();
        }
        zip.finish();
        zip.flush();
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) Files.deleteIfExists(tmp);
    }
  }
}
