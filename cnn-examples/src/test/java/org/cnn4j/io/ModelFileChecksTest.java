package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.models.SmallModels;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file is checked whole before it is used: every entry present that its contents need, no
 * entry twice or unknown, and each tensor and optimizer slot with the parameter's name and exact
 * shape, inside its data entry, overlapping no other, with no bytes left over. Each failure is a
 * {@link ModelFileException} naming the file, the entry and what is wrong (never an NPE or a
 * ClassCastException).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class ModelFileChecksTest {
  private static final LabeledImages DATA = SmallModels.data(64, 9L);
  private Backend backend;
  private Path dir;
  private Path trained;

  @BeforeAll
  void open(@TempDir Path tmp) throws IOException {
    backend = SmallModels.cpu();
    dir = tmp;
    trained = dir.resolve("trained.cnn4j");
    try (Sequential m = SmallModels.model(backend, 1L)) {
      m.fit(DATA, SmallModels.quiet(1));
      m.save(trained);
    }
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** The trained file's entries, in order. */
  private Map<String, byte[]> entries() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(trained.toFile())) {
      for (var en = z.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        out.put(e.getName(), z.getInputStream(e).readAllBytes());
      }
    }
    return out;
  }

  private Path write(String name, Map<String, byte[]> entries) throws IOException {
    Path file = dir.resolve(name);
    try (var out = new ZipOutputStream(Files.newOutputStream(file))) {
      for (var e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    return file;
  }

  /** The trained file with one JSON entry edited as a map. */
  private Path editJson(String name, String entry, Consumer<Map<String, Object>> edit)
      throws IOException {
    Map<String, byte[]> entries = entries();
    Map<String, Object> json =
        Json.parseObject(new String(entries.get(entry), StandardCharsets.UTF_8));
    edit.accept(json);
    entries.put(entry, Json.write(json).getBytes(StandardCharsets.UTF_8));
    return write(name, entries);
  }

  private static Map<String, Object> record(Map<String, Object> index, String list, int i) {
    return (Map<String, Object>) ((List<Object>) index.get(list)).get(i);
  }

  private ModelFileException fails(Path file, String entry) {
    var e = assertThrows(ModelFileException.class, () -> Models.load(file, backend).close());
    assertEquals(entry, e.entry(), e.getMessage());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertEquals(0, backend.memoryStats().liveBuffers(), "buffers left after the failure");
    return e;
  }

  private static void says(ModelFileException e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), e.getMessage());
  }

  @Test
  void aCheckpointWithoutTrainingJsonIsRefused() throws IOException {
    Map<String, byte[]> entries = entries();
    entries.remove("training.json");
    says(fails(write("no-training.cnn4j", entries), "training.json"), "missing");
  }

  @Test
  void aCompiledModelWithoutItsOptimizerEntriesIsRefused() throws IOException {
    for (String gone : List.of("optimizer.json", "optimizer.bin")) {
      Map<String, byte[]> entries = entries();
      entries.remove(gone);
      says(fails(write("no-" + gone + ".cnn4j", entries), gone), "missing");
    }
  }

  @Test
  void aDuplicateEntryIsRefused() throws IOException {
    Map<String, byte[]> entries = entries();
    byte[] weights = entries.get("weights.bin");
    entries.put("weights.biX", new byte[weights.length]);
    Path file = write("dup.cnn4j", entries);
    // Renames weights.biX to weights.bin in the local and central headers: two entries, one name.
    byte[] b = Files.readAllBytes(file);
    byte[] from = "weights.biX".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + from.length <= b.length; i++) {
      if (java.util.Arrays.equals(b, i, i + from.length, from, 0, from.length)) b[i + 10] = 'n';
    }
    Files.write(file, b);
    says(fails(file, "weights.bin"), "more than once");
  }

  @Test
  void anUnknownEntryIsRefused() throws IOException {
    Map<String, byte[]> entries = entries();
    entries.put("notes.txt", new byte[] {1});
    says(fails(write("extra.cnn4j", entries), "notes.txt"), "unknown entry");
  }

  @Test
  void swappedWeightShapesOfEqualSizeAreRefused() throws IOException {
    Path file =
        editJson(
            "swapped.cnn4j",
            "weights.json",
            j -> record(j, "tensors", 0).put("shape", List.of(4L, 1L, 3L, 3L)));
    says(fails(file, "weights.json"), "conv2d/kernel", "[4, 1, 3, 3]", "(3, 3, 1, 4)");
  }

  @Test
  void anEqualSizeDifferentShapeIsRefused() throws IOException {
    Path file =
        editJson(
            "reshaped.cnn4j",
            "weights.json",
            j -> {
              List<Object> tensors = (List<Object>) j.get("tensors");
              var dense = (Map<String, Object>) tensors.get(tensors.size() - 2);
              dense.put("shape", List.of(32L, 8L));
            });
    says(fails(file, "weights.json"), "dense/kernel", "[32, 8]");
  }

  @Test
  void overlappingWeightOffsetsAreRefused() throws IOException {
    Path file =
        editJson("overlap.cnn4j", "weights.json", j -> record(j, "tensors", 1).put("offset", 8L));
    says(fails(file, "weights.json"), "overlap");
  }

  @Test
  void outOfRangeAndNegativeOffsetsAreRefused() throws IOException {
    says(
        fails(
            editJson(
                "far.cnn4j", "weights.json", j -> record(j, "tensors", 1).put("offset", 1L << 40)),
            "weights.json"),
        "conv2d/bias");
    says(
        fails(
            editJson(
                "negative.cnn4j", "weights.json", j -> record(j, "tensors", 1).put("offset", -4L)),
            "weights.json"),
        "conv2d/bias");
  }

  @Test
  void bytesNoTensorCoversAreRefused() throws IOException {
    Map<String, byte[]> entries = entries();
    byte[] w = entries.get("weights.bin");
    entries.put("weights.bin", java.util.Arrays.copyOf(w, w.length + 4));
    says(fails(write("trailing.cnn4j", entries), "weights.json"), "4 bytes");
  }

  @Test
  void aWeightListedTwiceIsRefused() throws IOException {
    Path file =
        editJson(
            "twice.cnn4j",
            "weights.json",
            j -> record(j, "tensors", 1).put("name", record(j, "tensors", 0).get("name")));
    says(fails(file, "weights.json"), "conv2d/kernel", "twice");
  }

  @Test
  void corruptOptimizerSlotsAreNamedNotANullPointerOrClassCast() throws IOException {
    Object[][] edits = {
      {"slot", "zero", "slot"},
      {"slot", null, "slot"},
      {"offset", null, "offset"},
      {"offset", "x", "offset"},
      {"parameter", 3L, "parameter"},
      {"shape", List.of(1L, 2L), "shape"},
    };
    int k = 0;
    for (Object[] edit : edits) {
      Path file =
          editJson(
              "slots" + k++ + ".cnn4j",
              "optimizer.json",
              j -> {
                var slot = record(j, "slots", 0);
                if (edit[1] == null) slot.remove((String) edit[0]);
                else slot.put((String) edit[0], edit[1]);
              });
      says(fails(file, "optimizer.json"), (String) edit[2]);
    }
  }

  @Test
  void aSlotListedTwiceOrOverlappingIsRefused() throws IOException {
    says(
        fails(
            editJson(
                "slot-twice.cnn4j",
                "optimizer.json",
                j -> record(j, "slots", 1).put("slot", record(j, "slots", 0).get("slot"))),
            "optimizer.json"),
        "twice");
    says(
        fails(
            editJson(
                "slot-overlap.cnn4j",
                "optimizer.json",
                j -> record(j, "slots", 2).put("offset", 4L)),
            "optimizer.json"),
        "overlap");
    says(
        fails(
            editJson("slots-per.cnn4j", "optimizer.json", j -> j.put("slots_per_parameter", 3L)),
            "optimizer.json"),
        "slots_per_parameter");
  }

  @Test
  void theUntouchedFileStillLoads() throws IOException {
    try (Model m = Models.load(trained, backend)) {
      assertEquals(1, m.epochsTrained());
    }
  }
}
