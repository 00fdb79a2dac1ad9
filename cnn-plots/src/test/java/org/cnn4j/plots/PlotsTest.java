package org.cnn4j.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNGs are valid images of the expected size. */
class PlotsTest {
  @Test
  void trainingCurvesHaveOnePanelPerQuantity(@TempDir Path dir) throws Exception {
    Map<String, List<Double>> h = new LinkedHashMap<>();
    h.put("loss", List.of(0.9, 0.6, 0.5, 0.45));
    h.put("accuracy", List.of(0.6, 0.75, 0.8, 0.83));
    h.put("val_loss", List.of(0.8, 0.65, 0.6, 0.62));
    h.put("val_accuracy", List.of(0.65, 0.74, 0.78, 0.79));
    Path png = dir.resolve("curves.png");
    TrainingPlot.write(h, 1, png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img);
    assertEquals(2 * TrainingPlot.PANEL_WIDTH, img.getWidth());
    assertEquals(TrainingPlot.PANEL_HEIGHT, img.getHeight());
    assertTrue(Files.size(png) > 10_000, "a drawn chart, not a blank: " + Files.size(png));
  }

  @Test
  void confusionMatrixCountsAndDraws(@TempDir Path dir) throws Exception {
    int[][] m =
        ConfusionMatrixPlot.count(new int[] {0, 0, 1, 2, 2, 2}, new int[] {0, 1, 1, 2, 2, 0}, 3);
    assertEquals(List.of(1, 1, 0), List.of(m[0][0], m[0][1], m[0][2]));
    assertEquals(2, m[2][2]);
    Path png = dir.resolve("cm.png");
    ConfusionMatrixPlot.write(m, List.of("cat", "dog", "bird"), "test", png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img);
    assertTrue(
        img.getWidth() >= 640 && img.getHeight() >= 640, img.getWidth() + "x" + img.getHeight());
  }

  @Test
  void plotCallbackRewritesTheCurvesEachEpoch(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("c.png");
    PlotCallback cb = new PlotCallback(png, Map.of("loss", List.of(1.0)), 1);
    cb.onEpochEnd(1, new LinkedHashMap<>(Map.of("loss", 0.5)));
    assertNotNull(ImageIO.read(png.toFile()));
  }
}
