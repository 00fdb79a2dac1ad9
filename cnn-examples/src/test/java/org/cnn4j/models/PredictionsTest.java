package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.io.Models;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * predict's result type: the values, arg-max, top-k and class names; one image file straight to its
 * classes with the model's own scaling and names, which model files keep.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictionsTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  @Test
  void argmaxTopKAndNames() {
    Predictions p =
        new Predictions(
            new float[] {0.1f, 0.7f, 0.2f, 0.5f, 0.2f, 0.3f}, 2, List.of("a", "b", "c"));
    assertArrayEquals(new int[] {1, 0}, p.argmax());
    assertEquals(List.of("b", "a"), p.predictedClassNames());
    var top = p.topK(2);
    assertEquals(List.of(1, 2), top.get(0).stream().map(Predictions.Scored::index).toList());
    assertEquals("c", top.get(1).get(1).name());
    assertEquals(0.3f, top.get(1).get(1).value());
    assertArrayEquals(new float[] {0.5f, 0.2f, 0.3f}, p.row(1));
    assertEquals(3, p.topK(10).get(0).size());
    assertThrows(
        IllegalArgumentException.class, () -> new Predictions(new float[6], 2, List.of("x")));
  }

  /** A dark image with one bright quadrant, as SmallModels' data: class = the quadrant. */
  private static Path quadrantPng(Path dir, int quadrant, int side) throws Exception {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    int half = side / 2;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        boolean bright = y / half == quadrant / 2 && x / half == quadrant % 2;
        img.getRaster().setSample(x, y, 0, bright ? 215 : 90);
      }
    }
    Path file = dir.resolve("q" + quadrant + ".png");
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  @Test
  void oneImageFileGoesToItsClassWithTheModelsScalingAndNames(@TempDir Path dir) throws Exception {
    LabeledImages data = SmallModels.data(256, 5L);
    int side = SmallModels.SIDE;
    Path saved = dir.resolve("m.cnn4j");
    try (Sequential m = SmallModels.model(backend, 3L)) {
      m.fit(data, SmallModels.quiet(6));
      m.inputScale(1f / 255, 0f)
          .classNames(List.of("top left", "top right", "bottom left", "bottom right"));
      for (int q = 0; q < 4; q++) {
        Predictions p = m.predict(quadrantPng(dir, q, side));
        assertEquals(1, p.rows());
        assertEquals(q, p.argmax()[0], "quadrant " + q + ": " + p.topK(4));
        assertEquals(m.classNames().get(q), p.topK(1).get(0).get(0).name());
      }
      m.save(saved);
    }
    try (Model loaded = Models.load(saved, backend)) {
      assertEquals(1f / 255, loaded.inputScale());
      assertEquals(
          "bottom right", loaded.predict(quadrantPng(dir, 3, side)).predictedClassNames().get(0));
    }
  }

  @Test
  void aSampleOfTheWrongSizeSaysWhatTheModelTakes() {
    try (Sequential m = SmallModels.model(backend, 3L)) {
      var e = assertThrows(IllegalArgumentException.class, () -> m.predict(new float[5]));
      assertTrue(e.getMessage().contains("takes samples of shape"), e.getMessage());
    }
  }
}
