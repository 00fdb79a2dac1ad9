package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cnn4j.data.ImageFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapeImagesTest {
  @TempDir Path dir;

  @Test
  void writesTrainAndHeldOutFoldersThatImageFolderLabelsByShape() throws IOException {
    ShapeImages.generate(dir, new ShapeImages.Spec(24, 3, 2, 1));

    try (var train = ImageFolder.fromDirectory(dir.resolve("train")).targetSize(24, 24).build();
        var val = ImageFolder.fromDirectory(dir.resolve("val")).targetSize(24, 24).build()) {
      assertEquals(ShapeImages.CLASSES, train.classNames());
      assertEquals(9, train.size());
      assertEquals(6, val.size());
      for (int i = 0; i < train.size(); i++) {
        assertEquals(
            ShapeImages.CLASSES.get(train.label(i)),
            train.file(i).getParent().getFileName().toString());
      }
    }
  }

  @Test
  void theSameSeedWritesTheSameFilesAndAnotherSeedOthers() throws IOException {
    ShapeImages.generate(dir.resolve("a"), new ShapeImages.Spec(24, 2, 1, 5));
    ShapeImages.generate(dir.resolve("b"), new ShapeImages.Spec(24, 2, 1, 5));
    ShapeImages.generate(dir.resolve("c"), new ShapeImages.Spec(24, 2, 1, 6));
    Path file = Path.of("train", "triangle", "0001.png");

    assertArrayEquals(
        Files.readAllBytes(dir.resolve("a").resolve(file)),
        Files.readAllBytes(dir.resolve("b").resolve(file)));
    assertFalse(
        java.util.Arrays.equals(
            Files.readAllBytes(dir.resolve("a").resolve(file)),
            Files.readAllBytes(dir.resolve("c").resolve(file))));
  }

  @Test
  void generateIfNeededWritesOnlyWhenTheSpecChanges() throws IOException {
    var spec = new ShapeImages.Spec(16, 1, 1, 1);
    assertTrue(ShapeImages.generateIfNeeded(dir, spec));
    assertFalse(ShapeImages.generateIfNeeded(dir, spec));
    assertTrue(ShapeImages.generateIfNeeded(dir, new ShapeImages.Spec(16, 2, 1, 1)));
    try (var files = Files.list(dir.resolve("train/circle"))) {
      assertEquals(2, files.count());
    }
  }
}
