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
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;

/**
 * Reads and writes cnn4j model files: a zip of JSON and little-endian float32 entries described in
 * docs/MODEL_FORMAT.md. Use {@link Sequential#save}, {@link Models#load} and {@link
 * Sequential#saveWeights}/{@link Sequential#loadWeights}.
 */
public final class ModelFiles {
  /** The format version this cnn4j writes and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

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

  private ModelFiles() {}

  // ---------------------------------------------------------------- writing

  /** Writes the whole model: metadata, config, weights, optimizer state, epochs trained. */
  public static void save(Sequential model, Path path) throws IOException {
    save(model, path, Map.of());
  }

  /**
   * As {@link #save(Sequential, Path)}, with {@code userMetadata} (e.g. the data set's name) kept
   * in {@code metadata.json} and returned by {@link Models#metadata}.
   */
  public static void save(Sequential model, Path path, Map<String, String> userMetadata)
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
      for (Parameter p : model.parameters()) {
        float[][] v = opt.slotValues(model.backend(), p);
        if (v == null) continue;
        for (int i = 0; i < v.length; i++) {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("parameter", p.name());
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
  public static void saveWeights(Sequential model, Path path) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(METADATA, json(metadata(model, "weights", Map.of())));
    addWeights(model, entries);
    writeAtomically(path, entries);
  }

  private static Map<String, Object> metadata(
      Sequential model, String contents, Map<String, String> user) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("format_version", FORMAT_VERSION);
    m.put("cnn4j_version", CNN4J_VERSION);
    m.put("contents", contents);
    m.put("saved_on_backend", model.backend().id());
    if (!user.isEmpty()) m.put("user_metadata", new LinkedHashMap<String, Object>(user));
    return m;
  }

  private static void addWeights(Sequential model, Map<String, byte[]> entries) {
    List<Object> tensors = new ArrayList<>();
    List<Parameter> params = model.parameters();
    List<float[]> values = model.getWeights();
    long offset = 0;
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", p.name());
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
   * Writes the entries to a temporary file beside {@code path}, forces it to disk, then renames it
   * over {@code path}: a crash or error at any point leaves the previous file intact.
   */
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
    return new Contents(path, entries, meta);
  }

  /**
   * Builds, compiles and fills a model from a full model file, on {@code backend} (null: the
   * default, owned by the model).
   */
  static Sequential load(Path path, Backend backend) throws IOException {
    Contents c = read(path);
    if (!c.has(CONFIG)) {
      throw new ModelFileException(
          path, CONFIG, "missing: this is a weights-only file (use model.loadWeights)");
    }
    Map<String, Object> config = c.json(CONFIG);
    Sequential model;
    try {
      model = ModelConfig.build(config, backend);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(path, CONFIG, "invalid: " + e.getMessage(), e);
    }
    try {
      fillWeights(model, c);
      if (model.optimizer() != null && c.has(OPTIMIZER_INDEX)) restoreOptimizer(model, c);
      if (c.has(TRAINING)) {
        Object epochs = c.json(TRAINING).get("epochs_trained");
        if (!(epochs instanceof Long e) || e < 0 || e > Integer.MAX_VALUE) {
          throw new ModelFileException(path, TRAINING, "corrupt: epochs_trained is " + epochs);
        }
        model.epochsTrained((int) (long) e);
      }
      return model;
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Loads the weights of a model or weights file into {@code model}; names and shapes must match.
   */
  public static void loadWeights(Sequential model, Path path) throws IOException {
    fillWeights(model, read(path));
  }

  private static void fillWeights(Sequential model, Contents c) throws ModelFileException {
    Map<String, float[]> byName = tensors(c, WEIGHTS_INDEX, WEIGHTS, "tensors", "name");
    List<float[]> values = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      float[] v = byName.remove(p.name());
      if (v == null) {
        throw new ModelFileException(
            c.file(),
            WEIGHTS_INDEX,
            "has no weight '"
                + p.name()
                + "' that the model needs "
                + "(the file holds "
                + names(c)
                + ")");
      }
      if (v.length != p.shape().size()) {
        throw new ModelFileException(
            c.file(),
            WEIGHTS_INDEX,
            "weight '"
                + p.name()
                + "' holds "
                + v.length
                + " values; the model's has shape "
                + p.shape());
      }
      values.add(v);
    }
    if (!byName.isEmpty()) {
      throw new ModelFileException(
          c.file(), WEIGHTS_INDEX, "holds weights the model does not have: " + byName.keySet());
    }
    model.setWeights(values);
  }

  private static List<String> names(Contents c) throws ModelFileException {
    List<String> names = new ArrayList<>();
    for (Object t : (List<?>) c.json(WEIGHTS_INDEX).get("tensors"))
      names.add(String.valueOf(((Map<?, ?>) t).get("name")));
    return names;
  }

  private static void restoreOptimizer(Sequential model, Contents c) throws ModelFileException {
    Map<String, Object> index = c.json(OPTIMIZER_INDEX);
    Optimizer opt;
    try {
      opt = ModelConfig.optimizer(new Configs("optimizer config", castMap(index.get("config"))));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ModelFileException(
          c.file(), OPTIMIZER_INDEX, "invalid optimizer config: " + e.getMessage(), e);
    }
    Object iterations = index.get("iterations");
    if (!(iterations instanceof Long it) || it < 0) {
      throw new ModelFileException(
          c.file(), OPTIMIZER_INDEX, "corrupt: iterations is " + iterations);
    }
    Map<String, Parameter> params = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) params.put(p.name(), p);
    List<?> slots = index.get("slots") instanceof List<?> l ? l : null;
    if (slots == null)
      throw new ModelFileException(c.file(), OPTIMIZER_INDEX, "corrupt: no slot list");
    byte[] data = c.bytes(OPTIMIZER);
    Map<Parameter, float[][]> values = new LinkedHashMap<>();
    int perParam = opt.slotsPerParameter();
    for (Object o : slots) {
      Map<String, Object> s = castMap(o);
      Parameter p = params.get(String.valueOf(s.get("parameter")));
      if (p == null) {
        throw new ModelFileException(
            c.file(), OPTIMIZER_INDEX, "slot for unknown parameter '" + s.get("parameter") + "'");
      }
      int slot = ((Number) s.get("slot")).intValue();
      if (slot < 0 || slot >= perParam) {
        throw new ModelFileException(
            c.file(),
            OPTIMIZER_INDEX,
            "slot " + slot + " of '" + p.name() + "' but " + opt.name() + " keeps " + perParam);
      }
      float[] v =
          slice(
              c,
              OPTIMIZER,
              data,
              ((Number) s.get("offset")).longValue(),
              p.shape().size(),
              p.name());
      values.computeIfAbsent(p, k -> new float[perParam][])[slot] = v;
    }
    for (Map.Entry<Parameter, float[][]> e : values.entrySet()) {
      for (float[] v : e.getValue()) {
        if (v == null)
          throw new ModelFileException(
              c.file(), OPTIMIZER_INDEX, "missing slot of '" + e.getKey().name() + "'");
      }
    }
    // The model's compile() optimizer is replaced by the saved one, hyper-parameters and schedule
    // included.
    model.compile(opt, model.loss(), model.metricNames().toArray(String[]::new));
    opt.restoreState(model.backend(), it, values);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    if (!(o instanceof Map))
      throw new ClassCastException("expected an object, got " + Json.describe(o));
    return (Map<String, Object>) o;
  }

  /** The float tensors of an index entry, by name, in index order. */
  private static Map<String, float[]> tensors(
      Contents c, String indexEntry, String dataEntry, String listKey, String nameKey)
      throws ModelFileException {
    Map<String, Object> index = c.json(indexEntry);
    if (!"float32".equals(index.get("dtype")) || !"little_endian".equals(index.get("byte_order"))) {
      throw new ModelFileException(
          c.file(),
          indexEntry,
          "unsupported dtype "
              + index.get("dtype")
              + " / byte order "
              + index.get("byte_order")
              + " (expected float32, little_endian)");
    }
    if (!(index.get(listKey) instanceof List<?> list)) {
      throw new ModelFileException(c.file(), indexEntry, "corrupt: no '" + listKey + "' list");
    }
    byte[] data = c.bytes(dataEntry);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Object o : list) {
      try {
        Map<String, Object> t = castMap(o);
        String name = (String) t.get(nameKey);
        long size = 1;
        for (Object d : (List<?>) t.get("shape")) size *= ((Number) d).longValue();
        out.put(
            name, slice(c, dataEntry, data, ((Number) t.get("offset")).longValue(), size, name));
      } catch (ClassCastException | NullPointerException e) {
        throw new ModelFileException(
            c.file(), indexEntry, "corrupt tensor record " + Json.write(o).strip(), e);
      }
    }
    return out;
  }

  private static float[] slice(
      Contents c, String entry, byte[] data, long offset, long size, String name)
      throws ModelFileException {
    if (offset < 0 || size < 0 || offset + 4 * size > data.length) {
      throw new ModelFileException(
          c.file(),
          entry,
          "truncated: '"
              + name
              + "' needs bytes ["
              + offset
              + ", "
              + (offset + 4 * size)
              + ") but the entry holds "
              + data.length);
    }
    float[] v = new float[(int) size];
    ByteBuffer.wrap(data, (int) offset, (int) (4 * size))
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(v);
    return v;
  }
}
