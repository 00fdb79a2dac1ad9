package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.models.FitOptions;
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
 * A model file of format version 1, written by cnn4j before functional models (commit 2255d4a; the
 * program is MakeV1.java.txt beside it), still loads: same architecture, weights, optimizer state
 * and epochs, the same predictions bit for bit, and it trains on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Format1Test {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private static float[] bits(String resource) throws IOException {
    try (InputStream in = Format1Test.class.getResourceAsStream("format1/" + resource)) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      float[] v = new float[lines.size()];
      for (int i = 0; i < v.length; i++)
        v[i] = Float.intBitsToFloat(Integer.parseInt(lines.get(i)));
      return v;
    }
  }

  private static Path copy(Path dir) throws IOException {
    Path file = dir.resolve("format1.cnn4j");
    try (InputStream in = Format1Test.class.getResourceAsStream("format1/format1.cnn4j")) {
      Files.copy(in, file);
    }
    return file;
  }

  @Test
  void aFormatOneFileLoadsWithItsWeightsOptimizerAndEpochs(@TempDir Path dir) throws IOException {
    float[] x = bits("inputs.txt");
    float[] labels = new float[16];
    for (int i = 0; i < 16; i++) labels[i] = i % 3;
    LabeledImages data = new LabeledImages(x, labels, 16, 6, 6, 1);
    try (Model m = Models.load(copy(dir), backend)) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      assertTrue(m instanceof Sequential);
      assertEquals(
          List.of("conv2d", "batch_normalization", "max_pooling2d", "flatten", "dropout", "dense"),
          m.layers().stream().map(l -> l.name()).toList());
      assertEquals(2, m.epochsTrained());
      assertEquals(4, m.optimizer().iterations());
      assertArrayEquals(bits("predictions.txt"), m.predict(data).values(), 1e-6f);
      var h = m.fit(data, FitOptions.epochs(3).initialEpoch(2).batchSize(8).verbose(0));
      assertEquals(1, h.epochs());
      // Saved again, it is a current-format file.
      Path again = dir.resolve("again.cnn4j");
      m.save(again);
      assertEquals(
          (long) ModelFiles.FORMAT_VERSION,
          ModelFiles.read(again).metadata().get("format_version"));
    }
  }
}
