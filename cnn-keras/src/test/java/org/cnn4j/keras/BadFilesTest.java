package org.cnn4j.keras;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.cnn4j.backends.Backends;
import org.cnn4j.io.ModelFileException;
import org.cnn4j.io.Models;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt, truncated, unsupported and wrong-shape files: errors that name the file and the fault.
 */
class BadFilesTest {
  static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.open();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static ModelFileException loadFails(Path file) {
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> KerasModels.load(file, backend));
    assertTrue(
        e.getMessage().startsWith(file.toString()),
        "the message names the file: " + e.getMessage());
    return e;
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String p : parts)
      assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
  }

  /** A copy of a .keras file with its config.json edited. */
  @SuppressWarnings("unchecked")
  private static Path editedKeras(Path dir, String name, Consumer<Map<String, Object>> edit)
      throws IOException {
    Path out = dir.resolve(name);
    try (ZipFile in = new ZipFile(Fixtures.resource("k3_sequential.keras").toFile());
        ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      for (var en = in.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        byte[] data;
        try (InputStream s = in.getInputStream(e)) {
          data = s.readAllBytes();
        }
        if (e.getName().equals("config.json")) {
          Map<String, Object> config =
              KerasJson.parseObject(new String(data, StandardCharsets.UTF_8));
          edit.accept(config);
          data = KerasJson.write(config).getBytes(StandardCharsets.UTF_8);
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        zip.write(data);
        zip.closeEntry();
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> layers(Map<String, Object> root) {
    return (List<Map<String, Object>>) ((Map<String, Object>) root.get("config")).get("layers");
  }

  @Test
  void aCorruptHdf5FileIsNamed(@TempDir Path dir) throws Exception {
    byte[] real = Files.readAllBytes(Fixtures.resource("k3_sequential_legacy.h5"));
    byte[] bad = real.clone();
    for (int i = 64; i < bad.length; i += 7) bad[i] ^= 0x5a;
    Path file = dir.resolve("corrupt.h5");
    Files.write(file, bad);
    assertMentions(loadFails(file), "corrupt");
  }

  @Test
  void aCorruptConfigIsNamedWithItsEntry(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad-config.keras");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("config.json"));
      zip.write("{\"class_name\": \"Sequential\", \"config\": {".getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new ZipEntry("model.weights.h5"));
      zip.write(new byte[] {1, 2, 3});
    }
    assertMentions(loadFails(file), "config.json", "not valid JSON");
  }

  @Test
  void aFileOfAnotherKindIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model.h5");
    Files.writeString(file, "hello, not a model");
    assertMentions(loadFails(file), "not a Keras model file");
  }

  @Test
  void aTruncatedHdf5FileIsNamed(@TempDir Path dir) throws Exception {
    byte[] real = Files.readAllBytes(Fixtures.resource("k3_sequential_legacy.h5"));
    Path file = dir.resolve("truncated.h5");
    Files.write(file, Arrays.copyOf(real, real.length / 2));
    assertMentions(loadFails(file), "truncated");
  }

  @Test
  void aTruncatedKerasArchiveIsNamed(@TempDir Path dir) throws Exception {
    byte[] real = Files.readAllBytes(Fixtures.resource("k3_functional.keras"));
    Path file = dir.resolve("truncated.keras");
    Files.write(file, Arrays.copyOf(real, real.length * 2 / 3));
    assertMentions(loadFails(file), "truncated");
    // Models.load (cnn-api) finds the format by content and reports the same.
    ModelFileException e = assertThrows(ModelFileException.class, () -> Models.load(file, backend));
    assertMentions(e, file.toString(), "truncated");
  }

  @Test
  void truncatedTensorFlowJsWeightsAreNamed(@TempDir Path dir) throws Exception {
    Path src = Fixtures.resource("tfjs_cnn/model.json").getParent();
    Files.copy(src.resolve("model.json"), dir.resolve("model.json"));
    byte[] w = Files.readAllBytes(src.resolve("weights.bin"));
    Files.write(dir.resolve("weights.bin"), Arrays.copyOf(w, w.length - 40));
    assertMentions(loadFails(dir.resolve("model.json")), "weights.bin", "truncated");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyUnsupportedLayerIsListedWithItsClassAndNoModelIsMade(@TempDir Path dir)
      throws Exception {
    Path file =
        editedKeras(
            dir,
            "unsupported.keras",
            root -> {
              List<Map<String, Object>> layers = layers(root);
              Map<String, Object> lambda = new LinkedHashMap<>();
              lambda.put("module", "keras.layers");
              lambda.put("class_name", "Lambda");
              lambda.put(
                  "config", new LinkedHashMap<>(Map.of("name", "my_lambda", "function", "...")));
              Map<String, Object> custom = new LinkedHashMap<>();
              custom.put("module", null);
              custom.put("class_name", "AttentionPool");
              custom.put("config", new LinkedHashMap<>(Map.of("name", "pool")));
              layers.add(2, lambda);
              layers.add(4, custom);
              ((Map<String, Object>) layers.get(1).get("config")).put("padding", "causal");
            });
    ModelFileException e = loadFails(file);
    assertMentions(
        e,
        "3 layers are not supported",
        "layer 'my_lambda' (Lambda)",
        "Python code",
        "layer 'pool' (AttentionPool)",
        "cnn4j has no AttentionPool layer",
        "layer 'conv2d' (Conv2D): padding \"causal\"");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aWeightOfTheWrongShapeIsNamed(@TempDir Path dir) throws Exception {
    Path file =
        editedKeras(
            dir,
            "wrong-shape.keras",
            root -> ((Map<String, Object>) layers(root).get(1).get("config")).put("filters", 5));
    assertMentions(
        loadFails(file),
        "layer 'conv2d' (Conv2D) weight 'kernel'",
        "layers/conv2d/vars/0",
        "has shape (3, 3, 3, 4) in the file",
        "the model's is (3, 3, 3, 5)");
  }

  @Test
  void aWeightsFileForAnotherModelIsNamed(@TempDir Path dir) throws Exception {
    try (var model = KerasModels.load(Fixtures.resource("k3_functional.keras"), backend)) {
      Path weights = Fixtures.resource("k3_sequential.weights.h5");
      ModelFileException e =
          assertThrows(ModelFileException.class, () -> model.loadWeights(weights));
      assertMentions(e, weights.toString());
    }
  }
}
