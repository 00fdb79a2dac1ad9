package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cnn4j.models.Sequential;
import org.cnn4j.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderExampleTest {
  @TempDir Path dir;

  @Test
  void theLessonNetworkAt224HasKerasParameterCount() {
    try (Sequential model = ImageFolderExample.lessonNetwork(224, 3)) {
      // 896 + 18,496 + 73,856 + (26 * 26 * 128 * 256 + 256) + (256 * 3 + 3)
      assertEquals(22_245_443, model.parameters().stream().mapToLong(p -> p.shape().size()).sum());
      assertEquals(Shape.of(3), model.outputShape());
    }
  }

  @Test
  void generatesTheFolderThenTrainsAndEvaluatesOnTheHeldOutPart() throws Exception {
    var result =
        ImageFolderExample.parse(
                "--dir",
                dir.toString(),
                "--size",
                "32",
                "--image",
                "40",
                "--train",
                "4",
                "--val",
                "2",
                "--epochs",
                "1",
                "--batch",
                "4")
            .run();

    assertTrue(Files.isRegularFile(dir.resolve("val/triangle/0001.png")));
    assertTrue(result.valAccuracy() >= 0 && result.valAccuracy() <= 1);
    assertEquals(1, result.history().epochs());
    assertTrue(result.history().get("val_accuracy").size() == 1);
  }
}
