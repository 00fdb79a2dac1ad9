package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.models.SmallModels;
import org.cnn4j.optimizers.SGD;
import org.cnn4j.optimizers.schedules.ExponentialDecay;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** model.save / Models.load / weights-only files, and the errors of damaged files. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class ModelFilesTest {
  private static final LabeledImages DATA = SmallModels.data(64, 9L);
  private Backend backend;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private Path trainedModel(Path dir) throws IOException {
    Path file = dir.resolve("model.cnn4j");
    try (Sequential m = SmallModels.model(backend, 1L)) {
      m.fit(DATA, SmallModels.quiet(1));
      m.save(file);
    }
    return file;
  }

  @Test
  void saveThenLoadPredictsIdenticalOutputs(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("m.cnn4j");
    float[] before;
    try (Sequential m = SmallModels.model(backend, 1L)) {
      m.fit(DATA, SmallModels.quiet(2));
      before = m.predict(DATA).values();
      m.save(file);
    }
    try (Model m = Models.load(file, backend)) {
      assertArrayEquals(before, m.predict(DATA).values());
      assertEquals(
          List.of("conv2d", "batch_normalization", "max_pooling2d", "flatten", "dropout", "dense"),
          m.layers().stream().map(l -> l.name()).toList());
      assertEquals("sparse_categorical_crossentropy", m.loss().name());
      assertEquals(List.of("accuracy"), m.metricNames());
      assertEquals(2, m.epochsTrained());
    }
  }

  @Test
  void optimizerStateRoundTrips(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("m.cnn4j");
    Map<String, float[][]> slots = new LinkedHashMap<>();
    long iterations;
    try (Sequential m = SmallModels.model(backend, 1L)) {
      m.fit(DATA, SmallModels.quiet(1));
      iterations = m.optimizer().iterations();
      for (Parameter p : m.parameters()) slots.put(p.name(), m.optimizer().slotValues(backend, p));
      m.save(file);
    }
    try (Model m = Models.load(file, backend)) {
      assertEquals(iterations, m.optimizer().iterations());
      assertEquals(0.01f, m.optimizer().learningRate());
      for (Parameter p : m.parameters()) {
        float[][] expected = slots.get(p.name());
        if (expected == null) {
          assertNull(m.optimizer().slotValues(backend, p), p.name());
        } else {
          for (int i = 0; i < expected.length; i++)
            assertArrayEquals(expected[i], m.optimizer().slotValues(backend, p)[i]);
        }
      }
    }
  }

  @Test
  void aScheduleAndSgdMomentumAreSavedWithTheOptimizer(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("m.cnn4j");
    try (Sequential m =
        new Sequential(backend, 3L, new Input(4, 4, 1), new Flatten(), new Dense(2, "softmax"))) {
      m.compile(
          new SGD(0.1, 0.9, true).learningRateSchedule(new ExponentialDecay(0.1, 10, 0.5)),
          new SparseCategoricalCrossentropy());
      m.save(file);
    }
    try (Model m = Models.load(file, backend)) {
      assertEquals(true, m.optimizer().config().get("nesterov"));
      assertEquals(new ExponentialDecay(0.1, 10, 0.5), m.optimizer().learningRateSchedule());
      assertEquals(0.9f, m.optimizer().config().get("momentum"));
    }
  }

  @Test
  void aModelSavedOnOneBackendLoadsOnTheDefaultOne(@TempDir Path dir) throws IOException {
    Path file = trainedModel(dir);
    float[] expected;
    try (Model m = Models.load(file, backend)) {
      expected = m.predict(DATA).values();
    }
    try (Model m = Models.load(file)) {
      float[] got = m.predict(DATA).values();
      for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 1e-5f);
    }
  }

  @Test
  void weightsOnlyFilesLoadIntoTheSameArchitecture(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("w.cnn4j");
    float[] expected;
    try (Sequential m = SmallModels.model(backend, 1L)) {
      m.fit(DATA, SmallModels.quiet(1));
      expected = m.predict(DATA).values();
      m.saveWeights(file);
    }
    try (Sequential m = SmallModels.model(backend, 99L)) {
      m.loadWeights(file);
      assertArrayEquals(expected, m.predict(DATA).values());
    }
    var e = assertThrows(ModelFileException.class, () -> Models.load(file, backend));
    assertTrue(e.getMessage().contains("weights-only"), e.getMessage());
  }

  @Test
  void loadingWeightsIntoAnotherArchitectureNamesTheWeight(@TempDir Path dir) throws IOException {
    Path file = trainedModel(dir);
    try (Sequential other =
        new Sequential(backend, 1L, new Input(8, 8, 1), new Flatten(), new Dense(4))) {
      var e = assertThrows(ModelFileException.class, () -> other.loadWeights(file));
      assertTrue(
          e.getMessage().contains("holds weights the model does not have: [conv2d/kernel"),
          e.getMessage());
    }
  }

  @Test
  void aTruncatedFileSaysSo(@TempDir Path dir) throws IOException {
    Path file = trainedModel(dir);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    var e = assertThrows(ModelFileException.class, () -> Models.load(file, backend));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aCorruptEntryIsNamed(@TempDir Path dir) throws IOException {
    Path file = trainedModel(dir);
    long offset;
    try (ZipFile z = new ZipFile(file.toFile())) {
      offset = localDataOffset(file, z.getEntry("weights.bin"));
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset + 20] ^= 0x5A;
    Files.write(file, bytes);
    var e = assertThrows(ModelFileException.class, () -> Models.load(file, backend));
    assertEquals("weights.bin", e.entry());
    assertTrue(e.getMessage().contains("entry 'weights.bin': corrupt"), e.getMessage());
  }

  @Test
  void aNewerFormatVersionIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
    Path file = trainedModel(dir);
    Path newer = dir.resolve("newer.cnn4j");
    rewrite(
        file,
        newer,
        "metadata.json",
        s ->
            s.replace(
                "\"format_version\": " + ModelFiles.FORMAT_VERSION,
                "\"format_version\": " + (ModelFiles.FORMAT_VERSION + 1)));
    var e = assertThrows(ModelFileException.class, () -> Models.load(newer, backend));
    assertEquals("metadata.json", e.entry());
    assertTrue(
        e.getMessage()
            .contains(
                "format version " + (ModelFiles.FORMAT_VERSION + 1) + " is newer than this cnn4j"),
        e.getMessage());
  }

  @Test
  void aFileThatIsNotAZipSaysSo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("x.cnn4j");
    Files.writeString(file, "hello");
    var e = assertThrows(ModelFileException.class, () -> Models.load(file, backend));
    assertTrue(e.getMessage().contains("not a complete zip archive"), e.getMessage());
  }

  @Test
  void aFailedWriteLeavesThePreviousFileIntactAndNoTemporaryFile(@TempDir Path dir)
      throws IOException {
    Path file = trainedModel(dir);
    byte[] before = Files.readAllBytes(file);
    Map<String, byte[]> failing =
        new AbstractMap<>() {
          @Override
          public Set<Entry<String, byte[]>> entrySet() {
            return new java.util.AbstractSet<>() {
              @Override
              public Iterator<Entry<String, byte[]>> iterator() {
                return new Iterator<>() {
                  int i;

                  @Override
                  public boolean hasNext() {
                    return true;
                  }

                  @Override
                  public Entry<String, byte[]> next() {
                    if (i++ == 1) throw new IllegalStateException("disk full (simulated)");
                    return Map.entry("metadata.json", new byte[1000]);
                  }
                };
              }

              @Override
              public int size() {
                return 3;
              }
            };
          }
        };
    assertThrows(IllegalStateException.class, () -> ModelFiles.writeAtomically(file, failing));
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of(file.getFileName().toString()),
          files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void preprocessingLayersRoundTripWithTheirArgumentsAndSeeds(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("m.cnn4j");
    java.util.function.Supplier<org.cnn4j.layers.Layer[]> stack =
        () ->
            new org.cnn4j.layers.Layer[] {
              new Input(SmallModels.SIDE, SmallModels.SIDE, 1),
              new org.cnn4j.layers.Rescaling(0.5, 0.25),
              new org.cnn4j.layers.RandomFlip(org.cnn4j.layers.RandomFlip.Mode.HORIZONTAL, 3),
              new org.cnn4j.layers.RandomRotation(
                  -0.1, 0.2, org.cnn4j.data.FillMode.CONSTANT, 0.5, 4),
              new org.cnn4j.layers.RandomTranslation(0.1, 0.2),
              new org.cnn4j.layers.RandomZoom(0.3),
              new Flatten(),
              new Dense(SmallModels.CLASSES, "softmax")
            };
    List<Double> continued;
    float[] before;
    List<Object> savedLayers;
    try (Sequential m = new Sequential(backend, 1L, stack.get())) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      m.compile(new org.cnn4j.optimizers.Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      m.fit(DATA, SmallModels.quiet(1));
      m.save(file);
      savedLayers =
          (List<Object>) ((Map<String, Object>) ModelConfig.of(m).get("config")).get("layers");
      before = m.predict(DATA).values();
      continued = m.fit(DATA, SmallModels.quiet(2).initialEpoch(1)).get("loss");
    }
    // Keras 3's Sequential config lists the InputLayer first.
    assertEquals("InputLayer", ((Map<String, Object>) savedLayers.get(0)).get("class_name"));
    Map<String, Object> rotation =
        (Map<String, Object>) ((Map<String, Object>) savedLayers.get(3)).get("config");
    assertEquals(List.of(-0.1, 0.2), rotation.get("factor"));
    assertEquals("constant", rotation.get("fill_mode"));
    assertEquals(4L, ((Number) rotation.get("seed")).longValue());
    try (Model m = Models.load(file, backend)) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      assertEquals(
          savedLayers, ((Map<String, Object>) ModelConfig.of(m).get("config")).get("layers"));
      assertArrayEquals(before, m.predict(DATA).values());
      // The same seeds draw the same augmentations: training goes on exactly as the original did.
      assertEquals(continued, m.fit(DATA, SmallModels.quiet(2).initialEpoch(1)).get("loss"));
    }
  }

  @Test
  void anUnsupportedLayerCannotBeSavedAndNothingIsWritten(@TempDir Path dir) {
    Path file = dir.resolve("m.cnn4j");
    try (Sequential m = new Sequential(backend, 1L, new Input(2, 2, 1), new Custom())) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      var e = assertThrows(IllegalArgumentException.class, () -> m.save(file));
      assertTrue(e.getMessage().contains("(Custom)"), e.getMessage());
      assertFalse(Files.exists(file));
    }
  }

  /** A user's own layer type, which model files cannot describe. */
  private static final class Custom extends org.cnn4j.layers.Layer {
    @Override
    protected org.cnn4j.tensor.Shape computeOutputShape(org.cnn4j.tensor.Shape input) {
      return input;
    }

    @Override
    public org.cnn4j.tensor.Tensor forward(org.cnn4j.tensor.Step step, org.cnn4j.tensor.Tensor x) {
      return x;
    }
  }

  /** Where an entry's data starts: after its local header (30 bytes + name + extra). */
  private static long localDataOffset(Path file, ZipEntry entry) throws IOException {
    byte[] b = Files.readAllBytes(file);
    byte[] name = entry.getName().getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 30 + name.length < b.length; i++) {
      if (b[i] == 0x50 && b[i + 1] == 0x4b && b[i + 2] == 3 && b[i + 3] == 4) {
        int n = (b[i + 26] & 0xff) | (b[i + 27] & 0xff) << 8;
        int x = (b[i + 28] & 0xff) | (b[i + 29] & 0xff) << 8;
        if (n == name.length
            && new String(b, i + 30, n, StandardCharsets.UTF_8).equals(entry.getName())) {
          return i + 30L + n + x;
        }
      }
    }
    throw new IllegalStateException("no local header for " + entry.getName());
  }

  private static void rewrite(
      Path from, Path to, String entry, java.util.function.UnaryOperator<String> edit)
      throws IOException {
    try (ZipFile z = new ZipFile(from.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
      for (var en = z.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        byte[] data = z.getInputStream(e).readAllBytes();
        if (e.getName().equals(entry))
          data =
              edit.apply(new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(data);
        out.closeEntry();
      }
    }
  }
}
