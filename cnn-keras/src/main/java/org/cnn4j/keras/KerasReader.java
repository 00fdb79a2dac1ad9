package org.cnn4j.keras;

import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.cnn4j.backends.Backends;
import org.cnn4j.io.ModelFileException;
import org.cnn4j.layers.Layer;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;

/**
 * Reads Keras model files, recognised by their content: a Keras 3 archive (a zip holding {@code
 * config.json}, {@code metadata.json} and {@code model.weights.h5}), an HDF5 file (a legacy full
 * model with {@code model_config}, a legacy weights file with {@code layer_names}, or Keras 3's
 * {@code .weights.h5}), or a TensorFlow.js Layers {@code model.json} with its weight shards.
 */
final class KerasReader {
  private KerasReader() {}

  /** What a file holds, judged by its first bytes. */
  enum Kind {
    ARCHIVE,
    HDF5,
    TFJS,
    OTHER
  }

  static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  static Kind detect(Path file) {
    if (!Files.isRegularFile(file)) return Kind.OTHER;
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, 8);
    } catch (IOException e) {
      return Kind.OTHER;
    }
    if (n == 8 && java.util.Arrays.equals(head, HDF5_SIGNATURE)) return Kind.HDF5;
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      try (ZipFile zip = new ZipFile(file.toFile())) {
        if (zip.getEntry("model.weights.h5") != null || zip.getEntry("model.weights.npz") != null)
          return Kind.ARCHIVE;
        ZipEntry meta = zip.getEntry("metadata.json");
        if (meta != null
            && zip.getEntry("config.json") != null
            && zip.getEntry("weights.bin") == null) {
          try (InputStream in = zip.getInputStream(meta)) {
            String m = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            if (m.contains("keras_version")) return Kind.ARCHIVE;
          }
        }
      } catch (IOException e) {
        // A zip this cannot read: a truncated .keras file still counts as one when named so.
        return file.getFileName().toString().endsWith(".keras") ? Kind.ARCHIVE : Kind.OTHER;
      }
      return Kind.OTHER;
    }
    if (n > 0 && startsLikeJson(file)) return Kind.TFJS;
    return Kind.OTHER;
  }

  private static boolean startsLikeJson(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      String s = new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8).stripLeading();
      return s.startsWith("{") && s.contains("\"modelTopology\"");
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- whole models

  static Model load(Path file, Backend backend) throws IOException {
    if (!Files.exists(file))
      throw new NoSuchFileException(file.toString(), null, "no such model file");
    return switch (detect(file)) {
      case ARCHIVE -> loadArchive(file, backend);
      case HDF5 -> loadHdf5(file, backend);
      case TFJS -> loadTfjs(file, backend);
      case OTHER ->
          throw new ModelFileException(
              file, null, "not a Keras model file (.keras, .h5 or TensorFlow.js model.json)");
    };
  }

  /** Fills a built model's weights from a file. */
  private interface Filler {
    void fill(Model model, KerasGraph graph) throws IOException;
  }

  /**
   * Checks every layer, builds the model, fills its weights and compiles it; nothing is left open
   * when any step fails.
   */
  private static Model build(
      Path file,
      String entry,
      Map<String, Object> root,
      int kerasMajor,
      Backend backend,
      Filler filler,
      Map<String, Object> training)
      throws IOException {
    KerasGraph.ModelSpec spec;
    KerasLayers.Context ctx = new KerasLayers.Context(kerasMajor);
    KerasGraph graph = new KerasGraph(ctx);
    try {
      spec = KerasGraph.ModelSpec.of(root);
      if (!KerasGraph.isModelClass(spec.className()))
        throw new IllegalArgumentException(
            "the model is a " + spec.className() + ", not a Sequential or functional model");
      ctx.channelsFirst = KerasGraph.anyChannelsFirst(spec);
      List<String> problems = graph.check(spec, "");
      if (!problems.isEmpty()) {
        throw new ModelFileException(
            file,
            entry,
            "cannot be imported: "
                + problems.size()
                + (problems.size() == 1 ? " layer is" : " layers are")
                + " not supported by cnn4j: "
                + String.join("; ", problems));
      }
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file, entry, "invalid model config: " + e.getMessage(), e);
    }
    Backend opened = backend == null ? Backends.open() : null;
    Backend on = backend != null ? backend : opened;
    Model model;
    try {
      model = graph.build(spec, on);
    } catch (RuntimeException e) {
      graph.nestedModels().forEach(Model::close);
      if (opened != null) opened.close();
      if (e instanceof IllegalArgumentException)
        throw new ModelFileException(file, entry, "invalid model config: " + e.getMessage(), e);
      throw e;
    }
    graph.nestedModels().forEach(model::closeWith);
    if (opened != null) model.closeWith(opened);
    try {
      filler.fill(model, graph);
      if (training != null) KerasTraining.compile(model, training, file.toString());
      ctx.reportDropped(file.toString());
      return model;
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  static int major(String version) {
    if (version == null || version.isEmpty()) return 1;
    char c = version.charAt(0);
    return c == '1' ? 1 : c == '2' ? 2 : c >= '3' && c <= '9' ? 3 : 2;
  }

  // ---------------------------------------------------------------- legacy HDF5

  private static Model loadHdf5(Path file, Backend backend) throws IOException {
    try (H5Reader h5 = H5Reader.open(file)) {
      Group root = h5.root();
      String config = h5.string(root, "model_config");
      if (config == null) {
        if (h5.strings(root, "layer_names") != null
            || h5.group("layers") != null
            || h5.group("vars") != null)
          throw h5.error(
              "holds weights only, no model config: load them into a model built as in Keras with KerasModels.loadWeights(model, file)");
        throw h5.error("is an HDF5 file but not a Keras model (no model_config attribute)");
      }
      Map<String, Object> modelConfig = json(h5, config, "model_config");
      String trainingText = h5.string(root, "training_config");
      Map<String, Object> training =
          trainingText == null ? null : json(h5, trainingText, "training_config");
      Group weights = h5.group("model_weights");
      if (weights == null) throw h5.error("has a model config but no model_weights group");
      KerasWeights.Layout base = legacyLayout(h5, root, weights);
      String version = h5.string(weights, "keras_version");
      if (version == null) version = h5.string(root, "keras_version");
      return build(
          file,
          null,
          modelConfig,
          major(version),
          backend,
          (model, graph) ->
              fillLegacyByName(
                  h5, weights, model, new KerasWeights.Layout(base.keras1(), base.theano(), graph)),
          training);
    }
  }

  private static Map<String, Object> json(H5Reader h5, String text, String what)
      throws ModelFileException {
    try {
      return KerasJson.parseObject(text);
    } catch (IllegalArgumentException e) {
      throw h5.error("attribute " + what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static KerasWeights.Layout legacyLayout(H5Reader h5, Group root, Group weights)
      throws ModelFileException {
    String version = h5.string(weights, "keras_version");
    String backend = h5.string(weights, "backend");
    if (backend == null) backend = h5.string(root, "backend");
    boolean keras1 = version == null || version.startsWith("1");
    return new KerasWeights.Layout(keras1, "theano".equals(backend), null);
  }

  /** A full model file's weights: each layer's group by its name, weights in weight_names order. */
  private static void fillLegacyByName(
      H5Reader h5, Group weights, Model model, KerasWeights.Layout layout) throws IOException {
    KerasWeights w = new KerasWeights(layout, h5::error);
    for (Layer layer : KerasOrder.layers(model)) {
      List<KerasOrder.Weight> order = KerasOrder.legacyWeights(layer);
      if (order.isEmpty()) continue;
      Node g = h5.node(weights, layer.name());
      if (!(g instanceof Group group))
        throw h5.error(
            "has no weights for "
                + KerasWeights.describe(layer)
                + " (no group model_weights/"
                + layer.name()
                + ")");
      assignLegacy(h5, group, layer, order, w);
    }
    w.applyTo(model);
  }

  private static void assignLegacy(
      H5Reader h5, Group group, Layer layer, List<KerasOrder.Weight> order, KerasWeights w)
      throws IOException {
    List<String> names = h5.strings(group, "weight_names");
    if (names == null) names = List.of();
    if (names.size() != order.size()) {
      throw h5.error(
          KerasWeights.describe(layer)
              + " has "
              + order.size()
              + " weights but its group '"
              + group.getPath()
              + "' lists "
              + names.size()
              + " "
              + names);
    }
    // The file's weights in legacy order, handed back to each (sub)layer in its own order.
    Map<Layer, H5Reader.Array[]> per = new java.util.IdentityHashMap<>();
    Map<Layer, String[]> where = new java.util.IdentityHashMap<>();
    for (int i = 0; i < order.size(); i++) {
      KerasOrder.Weight wt = order.get(i);
      int n = wt.layer().parameters().size();
      per.computeIfAbsent(wt.layer(), k -> new H5Reader.Array[n])[wt.index()] =
          h5.array(group, names.get(i));
      where.computeIfAbsent(wt.layer(), k -> new String[n])[wt.index()] =
          group.getPath() + names.get(i);
    }
    for (var e : per.entrySet())
      w.assign(e.getKey(), List.of(e.getValue()), List.of(where.get(e.getKey())));
  }

  /**
   * A legacy weights file into a model, as Keras' {@code load_weights} does: in order, the model's
   * layers that have weights against the file's layers that have.
   */
  private static void loadLegacyWeights(H5Reader h5, Model model) throws IOException {
    Group root = h5.root();
    Group weights = h5.string(root, "model_config") != null ? h5.group("model_weights") : root;
    if (weights == null) throw h5.error("has no model_weights group");
    List<String> layerNames = h5.strings(weights, "layer_names");
    if (layerNames == null)
      throw h5.error("is not a Keras weights file (no layer_names attribute)");
    List<String> withWeights = new ArrayList<>();
    for (String n : layerNames) {
      Node g = h5.node(weights, n);
      if (!(g instanceof Group group))
        throw h5.error("lists layer '" + n + "' but has no group for it");
      List<String> wn = h5.strings(group, "weight_names");
      if (wn != null && !wn.isEmpty()) withWeights.add(n);
    }
    List<Layer> layers = new ArrayList<>();
    for (Layer l : KerasOrder.layers(model))
      if (!KerasOrder.legacyWeights(l).isEmpty()) layers.add(l);
    if (layers.size() != withWeights.size()) {
      throw h5.error(
          "holds weights for "
              + withWeights.size()
              + " layers "
              + withWeights
              + " but the model has "
              + layers.size()
              + " layers with weights "
              + layers.stream().map(Layer::name).toList());
    }
    KerasWeights w = new KerasWeights(legacyLayout(h5, root, weights), h5::error);
    for (int i = 0; i < layers.size(); i++) {
      assignLegacy(
          h5,
          (Group) h5.node(weights, withWeights.get(i)),
          layers.get(i),
          KerasOrder.legacyWeights(layers.get(i)),
          w);
    }
    w.applyTo(model);
  }

  // ---------------------------------------------------------------- Keras 3 archives

  private static final String CONFIG = "config.json";
  private static final String METADATA = "metadata.json";
  private static final String WEIGHTS = "model.weights.h5";

  private static Map<String, byte[]> unzip(Path file) throws ModelFileException {
    Map<String, byte[]> entries = new HashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (var en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        try (InputStream in = zip.getInputStream(e)) {
          entries.put(e.getName(), in.readAllBytes());
        } catch (IOException ex) {
          throw new ModelFileException(
              file, e.getName(), "corrupt or truncated (" + ex.getMessage() + ")", ex);
        }
      }
    } catch (ZipException e) {
      throw new ModelFileException(
          file,
          null,
          "not a complete zip archive: the .keras file is truncated or corrupt ("
              + e.getMessage()
              + ")",
          e);
    } catch (ModelFileException e) {
      throw e;
    } catch (IOException e) {
      throw new ModelFileException(file, null, "cannot be read (" + e.getMessage() + ")", e);
    }
    return entries;
  }

  private static Model loadArchive(Path file, Backend backend) throws IOException {
    Map<String, byte[]> entries = unzip(file);
    if (!entries.containsKey(CONFIG))
      throw new ModelFileException(file, CONFIG, "missing: the archive holds no model config");
    if (!entries.containsKey(WEIGHTS)) {
      if (entries.containsKey("model.weights.npz"))
        throw new ModelFileException(
            file,
            "model.weights.npz",
            "weights saved as .npz are not supported (save with weights_format=\"h5\", Keras' default)");
      throw new ModelFileException(file, WEIGHTS, "missing: the archive holds no weights");
    }
    Map<String, Object> config;
    try {
      config = KerasJson.parseObject(new String(entries.get(CONFIG), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file, CONFIG, "not valid JSON: " + e.getMessage(), e);
    }
    String version = null;
    if (entries.containsKey(METADATA)) {
      try {
        Object v =
            KerasJson.parseObject(new String(entries.get(METADATA), StandardCharsets.UTF_8))
                .get("keras_version");
        version = v instanceof String s ? s : null;
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(file, METADATA, "not valid JSON: " + e.getMessage(), e);
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> training =
        config.get("compile_config") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    int major = version == null ? 3 : Math.max(3, major(version));
    try (H5Reader h5 = H5Reader.open(file, WEIGHTS, entries.get(WEIGHTS))) {
      return build(
          file,
          CONFIG,
          config,
          major,
          backend,
          (model, graph) -> fillKeras3(h5, model, new KerasWeights.Layout(false, false, graph)),
          training);
    }
  }

  /**
   * Keras 3's weights layout: {@code layers/<snake_case class>[_N]/vars/<i>} in Keras' layer order.
   */
  private static void fillKeras3(H5Reader h5, Model model, KerasWeights.Layout layout)
      throws IOException {
    KerasWeights w = new KerasWeights(layout, h5::error);
    fillKeras3(h5, model, "", w);
    w.applyTo(model);
  }

  private static void fillKeras3(H5Reader h5, Model model, String prefix, KerasWeights w)
      throws IOException {
    for (var e : KerasOrder.containerNames(model).entrySet()) {
      Layer layer = e.getKey();
      String path = prefix + "layers/" + e.getValue();
      if (layer instanceof Model nested) {
        fillKeras3(h5, nested, path + "/", w);
        continue;
      }
      Group vars = h5.group(path + "/vars");
      int n = layer.parameters().size();
      if (vars == null) {
        if (n == 0) continue;
        throw h5.error(
            "has no weights for "
                + KerasWeights.describe(layer)
                + " (no group '"
                + path
                + "/vars')");
      }
      int held = vars.getChildren().size();
      if (held != n)
        throw h5.error(
            KerasWeights.describe(layer)
                + " has "
                + n
                + " weights but '"
                + path
                + "/vars' holds "
                + held);
      List<H5Reader.Array> arrays = new ArrayList<>();
      List<String> where = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        arrays.add(h5.array(vars, Integer.toString(i)));
        where.add(path + "/vars/" + i);
      }
      w.assign(layer, arrays, where);
    }
  }

  // ---------------------------------------------------------------- weights only

  static void loadWeights(Model model, Path file) throws IOException {
    if (!Files.exists(file))
      throw new NoSuchFileException(file.toString(), null, "no such weights file");
    switch (detect(file)) {
      case ARCHIVE -> {
        Map<String, byte[]> entries = unzip(file);
        if (!entries.containsKey(WEIGHTS))
          throw new ModelFileException(file, WEIGHTS, "missing: the archive holds no weights");
        try (H5Reader h5 = H5Reader.open(file, WEIGHTS, entries.get(WEIGHTS))) {
          fillKeras3(h5, model, KerasWeights.Layout.NATIVE);
        }
      }
      case HDF5 -> {
        try (H5Reader h5 = H5Reader.open(file)) {
          if (h5.string(h5.root(), "model_config") == null
              && h5.strings(h5.root(), "layer_names") == null)
            fillKeras3(h5, model, KerasWeights.Layout.NATIVE);
          else loadLegacyWeights(h5, model);
        }
      }
      case TFJS -> {
        Tfjs t = Tfjs.read(file);
        t.fill(model);
      }
      case OTHER ->
          throw new ModelFileException(
              file,
              null,
              "not a Keras weights file (.keras, .weights.h5, .h5 or TensorFlow.js model.json)");
    }
  }

  // ---------------------------------------------------------------- TensorFlow.js

  private static Model loadTfjs(Path file, Backend backend) throws IOException {
    Tfjs t = Tfjs.read(file);
    return build(
        file,
        null,
        t.modelConfig,
        t.kerasMajor,
        backend,
        (model, graph) -> t.fill(model),
        t.training);
  }

  /** A TensorFlow.js Layers model: Keras' topology JSON and weights from the manifest's shards. */
  static final class Tfjs {
    final Path file;
    final Map<String, Object> modelConfig;
    final Map<String, Object> training;
    final int kerasMajor;
    final Map<String, H5Reader.Array> weights = new LinkedHashMap<>();

    private Tfjs(
        Path file, Map<String, Object> modelConfig, Map<String, Object> training, int kerasMajor) {
      this.file = file;
      this.modelConfig = modelConfig;
      this.training = training;
      this.kerasMajor = kerasMajor;
    }

    @SuppressWarnings("unchecked")
    static Tfjs read(Path file) throws IOException {
      Map<String, Object> json;
      try {
        json = KerasJson.parseObject(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(file, null, "not valid JSON: " + e.getMessage(), e);
      }
      if (!(json.get("modelTopology") instanceof Map<?, ?> topo))
        throw new ModelFileException(
            file, null, "not a TensorFlow.js Layers model (no modelTopology)");
      Map<String, Object> topology = (Map<String, Object>) topo;
      Map<String, Object> config =
          topology.get("model_config") instanceof Map<?, ?> mc
              ? (Map<String, Object>) mc
              : topology;
      Object tc =
          topology.get("training_config") != null
              ? topology.get("training_config")
              : json.get("trainingConfig");
      Map<String, Object> training = tc instanceof Map<?, ?> t ? (Map<String, Object>) t : null;
      Object kv = topology.get("keras_version");
      int major = kv instanceof String s && !s.startsWith("tfjs") ? major(s) : 2;
      Tfjs t = new Tfjs(file, config, training, major);
      if (!(json.get("weightsManifest") instanceof List<?> manifest))
        throw new ModelFileException(file, null, "has no weightsManifest");
      Path dir = file.toAbsolutePath().getParent();
      for (Object g : manifest) {
        if (!(g instanceof Map<?, ?> group)
            || !(group.get("paths") instanceof List<?> paths)
            || !(group.get("weights") instanceof List<?> specs))
          throw new ModelFileException(file, null, "weightsManifest entry is not {paths, weights}");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (Object p : paths) {
          Path shard = dir.resolve(String.valueOf(p));
          if (!Files.isRegularFile(shard))
            throw new ModelFileException(
                file, String.valueOf(p), "missing: the weight shard is not beside model.json");
          bytes.write(Files.readAllBytes(shard));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        for (Object s : specs) {
          Map<String, Object> spec = (Map<String, Object>) s;
          String name = String.valueOf(spec.get("name"));
          if (spec.get("quantization") != null)
            throw new ModelFileException(
                file, null, "weight '" + name + "' is quantized; cnn4j reads float32 weights only");
          String dtype = String.valueOf(spec.getOrDefault("dtype", "float32"));
          int[] shape = Cfg.ints("shape", spec.get("shape"), -1);
          int count = (int) KerasShapes.size(shape);
          int bytesEach = dtype.equals("float32") || dtype.equals("int32") ? 4 : -1;
          if (bytesEach < 0)
            throw new ModelFileException(
                file, null, "weight '" + name + "' has dtype " + dtype + "; cnn4j reads float32");
          if (data.remaining() < count * 4L)
            throw new ModelFileException(
                file,
                String.valueOf(paths.get(paths.size() - 1)),
                "truncated: weight '"
                    + name
                    + "' needs "
                    + count * 4L
                    + " bytes but the shards hold "
                    + data.remaining()
                    + " more");
          float[] v = new float[count];
          for (int i = 0; i < count; i++)
            v[i] = dtype.equals("int32") ? data.getInt() : data.getFloat();
          t.weights.put(name, new H5Reader.Array(shape, v));
        }
      }
      return t;
    }

    /** TensorFlow.js matches weights by name: {@code <layer>/<weight>}. */
    void fill(Model model) throws IOException {
      KerasWeights w =
          new KerasWeights(
              new KerasWeights.Layout(false, false, null),
              what -> new ModelFileException(file, null, what));
      fill(model, w);
      w.applyTo(model);
    }

    private void fill(Model model, KerasWeights w) throws IOException {
      for (Layer layer : KerasOrder.layers(model)) {
        if (layer instanceof Model nested) {
          fill(nested, w);
          continue;
        }
        List<Parameter> ps = layer.parameters();
        if (ps.isEmpty()) continue;
        List<H5Reader.Array> arrays = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (Parameter p : ps) {
          String key = layer.name() + "/" + KerasWeights.paramName(p);
          String found = weights.containsKey(key) ? key : null;
          if (found == null) for (String k : weights.keySet()) if (k.endsWith("/" + key)) found = k;
          if (found == null)
            throw new ModelFileException(
                file,
                null,
                "has no weight '"
                    + key
                    + "' for "
                    + KerasWeights.describe(layer)
                    + " (the manifest holds "
                    + weights.keySet()
                    + ")");
          arrays.add(weights.get(found));
          where.add(found);
        }
        w.assign(layer, arrays, where);
      }
    }
  }
}
