package org.cnn4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;

/**
 * Reads and writes cnn4j model files: a zip of JSON and little-endian float32 entries described in
 * docs/MODEL_FORMAT.md. Use {@link Model#save}, {@link Models#load} and {@link
 * Model#saveWeights}/{@link Model#loadWeights}.
 */
public final class ModelFiles {
  /** The format version this cnn4j writes and the newest it reads. */
  public static final int FORMAT_VERSION = 2;

  /** The cnn4j version written into each file. */
  public static final String CNN4J_VERSION = org.cnn4j.Version.get();

  static final String FORMAT = "cnn4j-model";
  static final String METADATA = "metadata.json";
  static final String CONFIG = "config.json";
  static final String WEIGHTS_INDEX = "weights.json";
  static final String WEIGHTS = "weights.bin";
  static final String OPTIMIZER_INDEX = "optimizer.json";
  static final String OPTIMIZER = "optimizer.bin";
  static final String TRAINING = "training.json";

  /** Every entry a model file may hold. */
  static final List<String> ENTRIES =
      List.of(METADATA, CONFIG, WEIGHTS_INDEX, WEIGHTS, OPTIMIZER_INDEX, OPTIMIZER, TRAINING);

  private ModelFiles() {}

  // ---------------------------------------------------------------- writing

  /** Writes the whole model: metadata, config, weights, optimizer state, epochs trained. */
  public static void save(Model model, Path path) throws IOException {
    save(model, path, Map.of());
  }

  /**
   * As {@link #save(Model, Path)}, with {@code userMetadata} (e.g. the data set's name) kept in
   * {@code metadata.json} and returned by {@link Models#metadata}.
   */
  public static void save(Model model, Path path, Map<String, String> userMetadata)
      throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(METADATA, json(metadata(model, "model", userMetadata)));
    entries.put(CONFIG, json(ModelConfig.of(model)));
    addWeights(model, entries);
    Optimizer opt = model.optimizer();
    if (opt != null) {
      List<Object> slots = new ArrayList<>();
      List<float[]> data = new ArrayList<>();
      long offset = 0;
      Map<Parameter, String> keys = weightNames(model);
      for (Parameter p : model.parameters()) {
        float[][] v = opt.slotValues(model.backend(), p);
        if (v == null) continue;
        for (int i = 0; i < v.length; i++) {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("parameter", keys.get(p));
          s.put("slot", i);
          s.put("shape", p.shape().dims());
          s.put("offset", offset);
          slots.add(s);
          data.add(v[i]);
          offset += 4L * v[i].length;
        }
      }
      Map<String, Object> index = new LinkedHashMap<>();
      index.put("config", opt.config());
      index.put("iterations", opt.iterations());
      index.put("slots_per_parameter", opt.slotsPerParameter());
      index.put("dtype", "float32");
      index.put("byte_order", "little_endian");
      index.put("slots", slots);
      entries.put(OPTIMIZER_INDEX, json(index));
      entries.put(OPTIMIZER, floats(data));
    }
    entries.put(TRAINING, json(Map.of("epochs_trained", model.epochsTrained())));
    writeAtomically(path, entries);
  }

  /** Writes the weights only: metadata, weights index and values. */
  public static void saveWeights(Model model, Path path) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(METADATA, json(metadata(model, "weights", Map.of())));
    addWeights(model, entries);
    writeAtomically(path, entries);
  }

  private static Map<String, Object> metadata(
      Model model, String contents, Map<String, String> user) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("format_version", FORMAT_VERSION);
    m.put("cnn4j_version", CNN4J_VERSION);
    m.put("contents", contents);
    m.put("saved_on_backend", model.backend().id());
    if (model.inputScale() != 1f || model.inputOffset() != 0f) {
      m.put("input_scale", (double) model.inputScale());
      m.put("input_offset", (double) model.inputOffset());
    }
    if (model.classNames() != null) m.put("class_names", model.classNames());
    if (!user.isEmpty()) m.put("user_metadata", new LinkedHashMap<String, Object>(user));
    return m;
  }

  private static void addWeights(Model model, Map<String, byte[]> entries) {
    List<Object> tensors = new ArrayList<>();
    List<Parameter> params = model.parameters();
    Map<Parameter, String> keys = weightNames(model);
    List<float[]> values = model.getWeights();
    long offset = 0;
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", keys.get(p));
      t.put("shape", p.shape().dims());
      t.put("trainable", p.trainable());
      t.put("offset", offset);
      tensors.add(t);
      offset += 4L * values.get(i).length;
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("dtype", "float32");
    index.put("byte_order", "little_endian");
    index.put("tensors", tensors);
    entries.put(WEIGHTS_INDEX, json(index));
    entries.put(WEIGHTS, floats(values));
  }

  /**
   * Each weight's name in the file: {@code layer/weight}, and for the layers of a nested model
   * {@code model/layer/weight}, so two nested models with layers of the same name stay apart.
   */
  static Map<Parameter, String> weightNames(Model model) {
    Map<Parameter, String> names = new LinkedHashMap<>();
    addWeightNames(model, "", names);
    return names;
  }

  private static void addWeightNames(Model model, String prefix, Map<Parameter, String> names) {
    for (org.cnn4j.layers.Layer layer : model.layers()) {
      if (layer instanceof Model nested) {
        addWeightNames(nested, prefix + nested.name() + "/", names);
        continue;
      }
      for (Parameter p : layer.parameters()) {
        String weight = p.name().substring(p.name().lastIndexOf('/') + 1);
        names.putIfAbsent(p, prefix + layer.name() + "/" + weight);
      }
    }
  }

  private static byte[] json(Object value) {
    return Json.write(value).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] floats(List<float[]> arrays) {
    long total = 0;
    for (float[] a : arrays) total += 4L * a.length;
    if (total > Integer.MAX_VALUE - 64)
      throw new IllegalArgumentException("model files hold at most 2 GiB of floats per entry");
    ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] a : arrays) {
      b.asFloatBuffer().put(a);
      b.position(b.position() + 4 * a.length);
    }
    return b.array();
  }

  /**
   * Checks, before hours of training, that a model file can be written at {@code path}: its folder
   * exists or can be made, and a file can be created in it (a probe, removed at once).
   *
   * @throws IOException naming the file and why it cannot be written there
   */
  public static void checkWritable(Path path) throws IOException {
    Path target = path.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Files.delete(createTemporary(target));
    } catch (IOException e) {
      String why;
      if (e instanceof java.nio.file.FileAlreadyExistsException f) {
        why = f.getFile() + " is a file, not a folder";
      } else if (e instanceof java.nio.file.AccessDeniedException) {
        why = "the folder " + target.getParent() + " is not writable";
      } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
        why = f.getFile() + ": " + f.getReason();
      } else {
        why = e.toString();
      }
      throw new IOException("cannot save a model file to " + path + ": " + why, e);
    }
  }

  /**
   * A new, empty temporary file beside {@code target}: ".NAME.RANDOM.tmp", with the default mode.
   */
  private static Path createTemporary(Path target) throws IOException {
    while (true) {
      Path tmp =
          target.resolveSibling(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toUnsignedString(
                      java.util.concurrent.ThreadLocalRandom.current().nextLong())
                  + ".tmp");
      try {
        return Files.createFile(tmp);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // another name
      }
    }
  }

  /**
   * Removes temporary files of {@code target} that an earlier save left when it was killed: they
   * are named as {@link #createTemporary} names them, and only this save's target's.
   */
  private static void removeOrphans(Path target) throws IOException {
    String prefix = "." + target.getFileName() + ".";
    try (var files = Files.newDirectoryStream(target.getParent(), prefix + "*.tmp")) {
      for (Path orphan : files) {
        String middle =
            orphan.getFileName().toString().substring(prefix.length()).replaceFirst("\\.tmp$", "");
        if (middle.chars().allMatch(Character::isDigit)) Files.deleteIfExists(orphan);
      }
    }
  }

  /**
   * Writes the entries to a temporary file beside {@code path}, forces it to disk, then renames it
   * over {@code path}: a crash or error at any point leaves the previous file intact. The file
   * keeps the mode of the one it replaces (a new one gets the folder's default, as any new file);
   * the temporary files of an earlier save of the same file that was killed are removed first.
   */
  static void writeAtomically(Path path, Map<String, byte[]> entries) throws IOException {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    removeOrphans(target);
    Set<PosixFilePermission> mode = null;
    if (Files.exists(target) && Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      mode = Files.getPosixFilePermissions(target);
    }
    Path tmp = createTemporary(target);
    boolean done = false;
    try {
      if (mode != null) Files.setPosixFilePermissions(tmp, mode);
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        ZipOutputStream zip = new ZipOutputStream(os);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          ZipEntry ze = new ZipEntry(e.getKey());
          byte[] data = e.getValue();
          if (e.getKey().endsWith(".bin")) {
            // Floats barely compress; stored entries load fast and can be read in place.
            CRC32 crc = new CRC32();
            crc.update(data);
            ze.setMethod(ZipEntry.STORED);
            ze.setSize(data.length);
            ze.setCompressedSize(data.length);
            ze.setCrc(crc.getValue());
          }
          zip.putNextEntry(ze);
          zip.write(data);
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
      syncDirectory(dir);
    } finally {
      if (!done) Files.deleteIfExists(tmp);
    }
  }

  private static void syncDirectory(Path dir) {
    // Makes the rename durable on Linux; other systems may refuse to open a directory.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // best effort
    }
  }

  // ---------------------------------------------------------------- reading

  /** A model file's entries, read whole and checked against their CRCs. */
  record Contents(Path file, Map<String, byte[]> entries, Map<String, Object> metadata) {
    boolean has(String entry) {
      return entries.containsKey(entry);
    }

    byte[] bytes(String entry) throws ModelFileException {
      byte[] b = entries.get(entry);
      if (b == null)
        throw new ModelFileException(
            file, entry, "missing (the file is incomplete or not a cnn4j model file)");
      return b;
    }

    Map<String, Object> json(String entry) throws ModelFileException {
      try {
        return Json.parseObject(new String(bytes(entry), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(file, entry, "corrupt: " + e.getMessage(), e);
      }
    }
  }

  static Contents read(Path path) throws IOException {
    if (!Files.exists(path))
      throw new NoSuchFileException(path.toString(), null, "no such model file");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    ZipFile zip;
    try {
      zip = new ZipFile(path.toFile());
    } catch (ZipException e) {
      throw new ModelFileException(
          path,
          null,
          "not a complete zip archive: the file is truncated, corrupt or not a "
              + "cnn4j model file ("
              + e.getMessage()
              + ")",
          e);
    }
    try (zip) {
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry ze = en.nextElement();
        if (entries.containsKey(ze.getName())) {
          throw new ModelFileException(
              path,
              ze.getName(),
              "appears more than once in the zip archive (a damaged or hand-made file): which"
                  + " copy is meant cannot be told");
        }
        if (!ENTRIES.contains(ze.getName())) {
          throw new ModelFileException(
              path,
              ze.getName(),
              "unknown entry: a format version "
                  + FORMAT_VERSION
                  + " model file holds only "
                  + ENTRIES);
        }
        byte[] data;
        try (InputStream in = zip.getInputStream(ze)) {
          data = in.readAllBytes();
        } catch (IOException e) {
          throw new ModelFileException(
              path, ze.getName(), "corrupt or truncated (" + e.getMessage() + ")", e);
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        if (ze.getSize() >= 0 && data.length != ze.getSize()) {
          throw new ModelFileException(
              path, ze.getName(), "truncated: " + data.length + " of " + ze.getSize() + " bytes");
        }
        if (ze.getCrc() >= 0 && crc.getValue() != ze.getCrc()) {
          throw new ModelFileException(
              path,
              ze.getName(),
              "corrupt: its checksum does not match (CRC32 "
                  + Long.toHexString(crc.getValue())
                  + ", expected "
                  + Long.toHexString(ze.getCrc())
                  + ")");
        }
        entries.put(ze.getName(), data);
      }
    }
    Contents c = new Contents(path, entries, Map.of());
    Map<String, Object> meta = c.json(METADATA);
    Object format = meta.get("format");
    if (!FORMAT.equals(format)) {
      throw new ModelFileException(
          path, METADATA, "not a cnn4j model file (format is " + format + ")");
    }
    Object v = meta.get("format_version");
    if (!(v instanceof Long version) || version < 1) {
      throw new ModelFileException(path, METADATA, "corrupt: format_version is " + v);
    }
    if (version > FORMAT_VERSION) {
      throw new ModelFileException(
          path,
          METADATA,
          "format version "
              + version
              + " is newer than this cnn4j ("
              + CNN4J_VERSION
              + ") reads (up to "
              + FORMAT_VERSION
              + "); the file was written by cnn4j "
              + meta.get("cnn4j_version")
              + ": upgrade cnn4j to load it");
    }
    Contents contents = new Contents(path, entries, meta);
    requireEntries(contents);
    return contents;
  }

  /**
   * Every entry the file's contents need is there, and none other (docs/MODEL_FORMAT.md): a weights
   * file holds the weights; a model file also its config and training state, and its optimizer's
   * state exactly when the config has compile settings.
   */
  private static void requireEntries(Contents c) throws ModelFileException {
    Object contents = c.metadata().get("contents");
    List<String> needed = new ArrayList<>(List.of(METADATA, WEIGHTS_INDEX, WEIGHTS));
    List<String> allowed = new ArrayList<>(needed);
    if ("model".equals(contents)) {
      needed.addAll(List.of(CONFIG, TRAINING));
      allowed.addAll(List.of(CONFIG, TRAINING));
      if (c.has(CONFIG) && c.json(CONFIG).containsKey("compile_config")) {
        needed.addAll(List.of(OPTIMIZER_INDEX, OPTIMIZER));
        allowed.addAll(List.of(OPTIMIZER_INDEX, OPTIMIZER));
      }
    } else if (!"weights".equals(contents)) {
      throw new ModelFileException(
          c.file(), METADATA, "corrupt: contents is " + contents + ", expected model or weights");
    }
    for (String entry : needed) {
      if (!c.has(entry)) {
        throw new ModelFileException(
            c.file(),
            entry,
            "missing: a "
                + contents
                + " file"
                + (entry.startsWith("optimizer") ? " of a compiled model" : "")
                + " holds "
                + needed
                + " (the file is incomplete or was edited)");
      }
    }
    for (String entry : c.entries().keySet()) {
      if (!allowed.contains(entry)) {
        throw new ModelFileException(
            c.file(), entry, "unexpected in a " + contents + " file, which holds " + needed);
      }
    }
  }

  /**
   * Builds, compiles and fills a model from a full model file, on {@code backend} (null: the shared
   * default).
   */
  static Model load(Path path, Backend backend) throws IOException {
    Contents c = read(path);
    if (!"model".equals(c.metadata().get("contents"))) {
      throw new ModelFileException(
          path, CONFIG, "missing: this is a weights-only file (use model.loadWeights)");
    }
    Map<String, Object> config = c.json(CONFIG);
    Model model;
    try {
      model = ModelConfig.build(config, backend);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(path, CONFIG, "invalid: " + e.getMessage(), e);
    }
    try {
      fillWeights(model, c);
      if (model.optimizer() != null) restoreOptimizer(model, c);
      Object epochs = c.json(TRAINING).get("epochs_trained");
      if (!(epochs instanceof Long e) || e < 0 || e > Integer.MAX_VALUE) {
        throw new ModelFileException(path, TRAINING, "corrupt: epochs_trained is " + epochs);
      }
      model.epochsTrained((int) (long) e);
      restorePreprocessing(model, c);
      return model;
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The input scaling and class names metadata.json keeps, when it has them. */
  private static void restorePreprocessing(Model model, Contents c) throws ModelFileException {
    Map<String, Object> meta = c.metadata();
    Object scale = meta.get("input_scale");
    Object offset = meta.get("input_offset");
    if (scale != null || offset != null) {
      if (!(scale instanceof Number s) || !(offset instanceof Number o)) {
        throw new ModelFileException(
            c.file(), METADATA, "corrupt: input_scale and input_offset must be numbers");
      }
      model.inputScale(s.floatValue(), o.floatValue());
    }
    Object names = meta.get("class_names");
    if (names != null) {
      if (!(names instanceof List<?> list) || !list.stream().allMatch(n -> n instanceof String)) {
        throw new ModelFileException(c.file(), METADATA, "corrupt: class_names must be strings");
      }
      try {
        model.classNames(list.stream().map(String.class::cast).toList());
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(c.file(), METADATA, "corrupt: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Loads the weights of a model or weights file into {@code model}; names and shapes must match.
   */
  public static void loadWeights(Model model, Path path) throws IOException {
    fillWeights(model, read(path));
  }

  private static void fillWeights(Model model, Contents c) throws ModelFileException {
    Map<String, Object> index = c.json(WEIGHTS_INDEX);
    requireFloat32(c, WEIGHTS_INDEX, index);
    List<Map<String, Object>> records = list(c, WEIGHTS_INDEX, index, "tensors");
    byte[] data = c.bytes(WEIGHTS);
    Map<String, Extent> byName = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      Map<String, Object> t = records.get(i);
      String where = "tensor " + i;
      String name = string(c, WEIGHTS_INDEX, where, t, "name");
      Extent e =
          new Extent(
              "'" + name + "'", dims(c, WEIGHTS_INDEX, name, t), offset(c, WEIGHTS_INDEX, name, t));
      if (byName.put(name, e) != null) {
        throw new ModelFileException(c.file(), WEIGHTS_INDEX, "lists weight '" + name + "' twice");
      }
    }
    checkExtents(c, WEIGHTS_INDEX, WEIGHTS, data.length, byName.values());
    List<float[]> values = new ArrayList<>();
    Map<Parameter, String> keys = weightNames(model);
    for (Parameter p : model.parameters()) {
      Extent e = byName.remove(keys.get(p));
      if (e == null) {
        throw new ModelFileException(
            c.file(),
            WEIGHTS_INDEX,
            "has no weight '"
                + keys.get(p)
                + "' that the model needs (the file holds "
                + records.stream().map(t -> String.valueOf(t.get("name"))).toList()
                + ")");
      }
      requireShape(c, WEIGHTS_INDEX, "weight '" + keys.get(p) + "'", e, p);
      values.add(e.floats(data));
    }
    if (!byName.isEmpty()) {
      throw new ModelFileException(
          c.file(), WEIGHTS_INDEX, "holds weights the model does not have: " + byName.keySet());
    }
    model.setWeights(values);
  }

  private static void restoreOptimizer(Model model, Contents c) throws ModelFileException {
    Map<String, Object> index = c.json(OPTIMIZER_INDEX);
    Optimizer opt;
    try {
      opt = ModelConfig.optimizer(new Configs("optimizer config", castMap(index.get("config"))));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ModelFileException(
          c.file(), OPTIMIZER_INDEX, "invalid optimizer config: " + e.getMessage(), e);
    }
    try {
      restoreSlots(model, c, index, opt);
    } catch (ModelFileException | RuntimeException e) {
      opt.close();
      throw e;
    }
  }

  private static void restoreSlots(
      Model model, Contents c, Map<String, Object> index, Optimizer opt) throws ModelFileException {
    requireFloat32(c, OPTIMIZER_INDEX, index);
    Object iterations = index.get("iterations");
    if (!(iterations instanceof Long it) || it < 0) {
      throw new ModelFileException(
          c.file(), OPTIMIZER_INDEX, "corrupt: iterations is " + iterations);
    }
    int perParam = opt.slotsPerParameter();
    Object declared = index.get("slots_per_parameter");
    if (!(declared instanceof Long d) || d != perParam) {
      throw new ModelFileException(
          c.file(),
          OPTIMIZER_INDEX,
          "corrupt: slots_per_parameter is "
              + declared
              + " but "
              + opt.name()
              + " keeps "
              + perParam);
    }
    Map<String, Parameter> params = new LinkedHashMap<>();
    weightNames(model).forEach((p, key) -> params.put(key, p));
    List<Map<String, Object>> records = list(c, OPTIMIZER_INDEX, index, "slots");
    byte[] data = c.bytes(OPTIMIZER);
    Map<Parameter, Extent[]> slots = new LinkedHashMap<>();
    List<Extent> all = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      Map<String, Object> s = records.get(i);
      String where = "slot record " + i;
      String name = string(c, OPTIMIZER_INDEX, where, s, "parameter");
      Parameter p = params.get(name);
      if (p == null) {
        throw new ModelFileException(
            c.file(), OPTIMIZER_INDEX, "slot for unknown parameter '" + name + "'");
      }
      long slot = integer(c, OPTIMIZER_INDEX, where + " ('" + name + "')", s, "slot");
      if (slot < 0 || slot >= perParam) {
        throw new ModelFileException(
            c.file(),
            OPTIMIZER_INDEX,
            "slot " + slot + " of '" + name + "' but " + opt.name() + " keeps " + perParam);
      }
      String label = "slot " + slot + " of '" + name + "'";
      Extent e =
          new Extent(
              label, dims(c, OPTIMIZER_INDEX, label, s), offset(c, OPTIMIZER_INDEX, label, s));
      requireShape(c, OPTIMIZER_INDEX, label, e, p);
      Extent[] own = slots.computeIfAbsent(p, k -> new Extent[perParam]);
      if (own[(int) slot] != null) {
        throw new ModelFileException(c.file(), OPTIMIZER_INDEX, "lists " + label + " twice");
      }
      own[(int) slot] = e;
      all.add(e);
    }
    checkExtents(c, OPTIMIZER_INDEX, OPTIMIZER, data.length, all);
    Map<Parameter, float[][]> values = new LinkedHashMap<>();
    for (Map.Entry<Parameter, Extent[]> e : slots.entrySet()) {
      float[][] v = new float[perParam][];
      for (int k = 0; k < perParam; k++) {
        if (e.getValue()[k] == null) {
          throw new ModelFileException(
              c.file(), OPTIMIZER_INDEX, "missing slot " + k + " of '" + e.getKey().name() + "'");
        }
        v[k] = e.getValue()[k].floats(data);
      }
      values.put(e.getKey(), v);
    }
    // The model's compile() optimizer is replaced by the saved one, hyper-parameters and schedule
    // included.
    model.compile(opt, model.losses(), model.lossWeights(), model.metricNamesPerOutput());
    opt.restoreState(model.backend(), (Long) iterations, values);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    if (!(o instanceof Map))
      throw new ClassCastException("expected an object, got " + Json.describe(o));
    return (Map<String, Object>) o;
  }

  // ---------------------------------------------------------------- index records

  /** Where a tensor's float32 values lie in a data entry, and the shape its record gives. */
  private record Extent(String label, long[] shape, long offset) {
    long values() {
      long n = 1;
      for (long d : shape) n *= d;
      return n;
    }

    long end() {
      return offset + 4 * values();
    }

    float[] floats(byte[] data) {
      float[] v = new float[(int) values()];
      ByteBuffer.wrap(data, (int) offset, 4 * v.length)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(v);
      return v;
    }
  }

  private static void requireFloat32(Contents c, String entry, Map<String, Object> index)
      throws ModelFileException {
    if (!"float32".equals(index.get("dtype")) || !"little_endian".equals(index.get("byte_order"))) {
      throw new ModelFileException(
          c.file(),
          entry,
          "unsupported dtype "
              + index.get("dtype")
              + " / byte order "
              + index.get("byte_order")
              + " (expected float32, little_endian)");
    }
  }

  private static void requireShape(Contents c, String entry, String label, Extent e, Parameter p)
      throws ModelFileException {
    int[] want = p.shape().dims();
    boolean same = want.length == e.shape().length;
    for (int k = 0; same && k < want.length; k++) same = want[k] == e.shape()[k];
    if (!same) {
      throw new ModelFileException(
          c.file(),
          entry,
          label
              + " has shape "
              + Arrays.toString(e.shape())
              + " but the model's '"
              + p.name()
              + "' has shape "
              + p.shape());
    }
  }

  /**
   * The records' byte ranges lie inside the data entry, overlap none other, and cover it exactly.
   */
  private static void checkExtents(
      Contents c,
      String indexEntry,
      String dataEntry,
      long length,
      java.util.Collection<Extent> all)
      throws ModelFileException {
    List<Extent> sorted = new ArrayList<>(all);
    sorted.sort(java.util.Comparator.comparingLong(Extent::offset));
    long covered = 0;
    Extent previous = null;
    for (Extent e : sorted) {
      if (e.offset() < 0 || e.offset() % 4 != 0 || e.end() > length) {
        throw new ModelFileException(
            c.file(),
            indexEntry,
            e.label()
                + " needs bytes ["
                + e.offset()
                + ", "
                + e.end()
                + ") of "
                + dataEntry
                + ", which holds "
                + length
                + (e.offset() % 4 != 0 ? " (and offsets are multiples of 4)" : ""));
      }
      if (previous != null && e.offset() < previous.end()) {
        throw new ModelFileException(
            c.file(),
            indexEntry,
            e.label()
                + " at bytes ["
                + e.offset()
                + ", "
                + e.end()
                + ") overlaps "
                + previous.label()
                + " at ["
                + previous.offset()
                + ", "
                + previous.end()
                + ") in "
                + dataEntry);
      }
      covered += e.end() - e.offset();
      previous = e;
    }
    if (covered != length) {
      throw new ModelFileException(
          c.file(),
          indexEntry,
          "its records cover "
              + covered
              + " of the "
              + length
              + " bytes of "
              + dataEntry
              + ": "
              + (length - covered)
              + " bytes belong to no tensor");
    }
  }

  private static List<Map<String, Object>> list(
      Contents c, String entry, Map<String, Object> index, String key) throws ModelFileException {
    if (!(index.get(key) instanceof List<?> list)) {
      throw new ModelFileException(c.file(), entry, "corrupt: no '" + key + "' list");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?>)) {
        throw new ModelFileException(
            c.file(), entry, "corrupt: '" + key + "' item " + i + " is not an object");
      }
      out.add(castMap(list.get(i)));
    }
    return out;
  }

  private static String string(
      Contents c, String entry, String where, Map<String, Object> r, String key)
      throws ModelFileException {
    if (r.get(key) instanceof String v) return v;
    throw corrupt(c, entry, where, key, r, "a string");
  }

  private static long integer(
      Contents c, String entry, String where, Map<String, Object> r, String key)
      throws ModelFileException {
    if (r.get(key) instanceof Long v) return v;
    throw corrupt(c, entry, where, key, r, "an integer");
  }

  private static long offset(Contents c, String entry, String where, Map<String, Object> r)
      throws ModelFileException {
    return integer(c, entry, where, r, "offset");
  }

  private static long[] dims(Contents c, String entry, String where, Map<String, Object> r)
      throws ModelFileException {
    if (r.get("shape") instanceof List<?> l) {
      long[] dims = new long[l.size()];
      long size = 1;
      for (int k = 0; k < dims.length; k++) {
        if (!(l.get(k) instanceof Long d) || d < 1 || (size *= d) > Integer.MAX_VALUE) {
          throw corrupt(c, entry, where, "shape", r, "a list of positive integers");
        }
        dims[k] = d;
      }
      return dims;
    }
    throw corrupt(c, entry, where, "shape", r, "a list of positive integers");
  }

  private static ModelFileException corrupt(
      Contents c, String entry, String where, String key, Map<String, Object> r, String expected) {
    return new ModelFileException(
        c.file(),
        entry,
        "corrupt "
            + where
            + ": '"
            + key
            + "' is "
            + (r.containsKey(key) ? Json.write(r.get(key)).strip() : "missing")
            + ", expected "
            + expected);
  }
}
