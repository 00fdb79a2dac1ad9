package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code summary()} prints Keras 3's table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SummaryTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private String summary(Sequential model) {
    var out = new ApiTests.Captured();
    model.output(out.stream);
    model.summary();
    return out.toString();
  }

  private Sequential mnistConvnet() {
    return new Sequential(
        backend,
        42L,
        new Input(28, 28, 1),
        new Conv2D(32, 3, "relu"),
        new MaxPooling2D(2),
        new Conv2D(64, 3, "relu"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dropout(0.5),
        new Dense(10, "softmax"));
  }

  @Test
  void namesEachLayerWithItsTypeShapeAndParams() {
    try (var m = mnistConvnet()) {
      String s = summary(m);
      assertTrue(s.startsWith("Model: \"sequential\"\n"), s);
      assertTrue(s.contains("conv2d (Conv2D)"), s);
      assertTrue(s.contains("(None, 26, 26, 32)"), s);
      assertTrue(s.contains("conv2d_1 (Conv2D)"), s);
      assertTrue(s.contains("max_pooling2d_1 (MaxPooling2D)"), s);
      assertTrue(s.contains("(None, 1600)"), s);
      assertTrue(s.contains("dropout (Dropout)"), s);
      assertTrue(s.contains("dense (Dense)"), s);
      assertTrue(s.matches("(?s).*│ dense \\(Dense\\) +│ \\(None, 10\\) +│ +16,010 │.*"), s);
    }
  }

  @Test
  void totalsInParamsAndBytes() {
    try (var m = mnistConvnet()) {
      String s = summary(m);
      assertTrue(s.contains("Total params: 34,826 (136.04 KB)"), s);
      assertTrue(s.contains("Trainable params: 34,826 (136.04 KB)"), s);
      assertTrue(s.contains("Non-trainable params: 0 (0.00 B)"), s);
    }
  }

  @Test
  void tableBordersLineUp() {
    try (var m = mnistConvnet()) {
      String[] lines = summary(m).split("\n");
      assertTrue(
          lines[1].startsWith("┏") && lines[1].endsWith("┓") && lines[1].contains("┳"), lines[1]);
      assertTrue(
          lines[2].startsWith("┃ Layer (type)")
              && lines[2].contains("┃ Output Shape")
              && lines[2].endsWith("┃"),
          lines[2]);
      assertTrue(
          lines[3].startsWith("┡") && lines[3].endsWith("┩") && lines[3].contains("╇"), lines[3]);
      assertTrue(
          lines[5].startsWith("├") && lines[5].endsWith("┤") && lines[5].contains("┼"), lines[5]);
      int last = 3 + 2 * m.layers().size();
      assertTrue(
          lines[last].startsWith("└") && lines[last].endsWith("┘") && lines[last].contains("┴"),
          lines[last]);
      for (int i = 1; i <= last; i++)
        assertEquals(lines[1].length(), lines[i].length(), "width of line " + i);
    }
  }

  @Test
  void batchNormalizationStatisticsAreNonTrainable() {
    try (var m = new Sequential(backend, 1L, new Input(4, 4, 8), new BatchNormalization())) {
      String s = summary(m);
      // Wider than its column: wrapped at the space, as Keras' rich table does.
      assertTrue(s.contains("│ batch_normalization "), s);
      assertTrue(s.contains("│ (BatchNormalization) "), s);
      assertTrue(s.contains("Total params: 32 (128.00 B)"), s);
      assertTrue(s.contains("Trainable params: 16 (64.00 B)"), s);
      assertTrue(s.contains("Non-trainable params: 16 (64.00 B)"), s);
    }
  }
}
