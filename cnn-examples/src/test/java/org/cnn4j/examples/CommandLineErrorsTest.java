package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.cnn4j.io.ModelFiles;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.Sequential;
import org.cnn4j.models.SmallModels;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Each command on bad input: exit code 1 (2 for what picocli cannot parse) and one line on stderr
 * naming what is wrong, never a Java stack trace (that takes --verbose).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandLineErrorsTest {
  private Path dir;
  private Path model;
  private Path image;
  private Path checkpoint;

  private record Case(String name, int code, String says, String... args) {}

  @BeforeAll
  void files(@TempDir Path tmp) throws IOException {
    dir = tmp;
    try (Backend backend = SmallModels.cpu()) {
      model = dir.resolve("small.cnn4j");
      try (Sequential m = SmallModels.model(backend, 1L)) {
        m.save(model);
      }
      checkpoint = dir.resolve("lesson.cnn4j");
      try (Sequential m = new Sequential(backend, 42L, Workload.W1.layers())) {
        m.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
        ModelFiles.save(m, checkpoint);
      }
    }
    image = ImageFolderTestImages.grey(dir.resolve("eight.png"), 8, 8, 100);
    Files.write(dir.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    ImageFolderTestImages.grey(dir.resolve("big.png"), 16, 16, 100);
    Files.writeString(dir.resolve("plain.txt"), "x");
  }

  private List<Case> cases() {
    String m = model.toString();
    String img = image.toString();
    String ck = checkpoint.toString();
    String inFile = dir.resolve("plain.txt/model.cnn4j").toString();
    return List.of(
        new Case("train --batch 0", 1, "--batch must be >= 1, got 0", "train", "--batch", "0"),
        new Case("train --batch -5", 1, "--batch must be >= 1, got -5", "train", "--batch", "-5"),
        new Case("train --epochs 0", 1, "--epochs must be >= 1", "train", "--epochs", "0"),
        new Case(
            "train --validation-split -0.2",
            1,
            "--validation-split must be in [0, 1), got -0.2",
            "train",
            "--validation-split",
            "-0.2"),
        new Case(
            "train --validation-split NaN",
            1,
            "--validation-split must be in [0, 1), got NaN",
            "train",
            "--validation-split",
            "NaN"),
        new Case(
            "train --validation-split 1",
            1,
            "--validation-split must be in [0, 1), got 1.0",
            "train",
            "--validation-split",
            "1"),
        new Case(
            "train --save into a file", 1, "cannot save a model file", "train", "--save", inFile),
        new Case(
            "train --checkpoint into a file",
            1,
            "cannot save a model file",
            "train",
            "--checkpoint",
            inFile),
        new Case(
            "train --model conflicting with the checkpoint",
            1,
            "--model cifar conflicts with the checkpoint",
            "train",
            "--checkpoint",
            ck,
            "--model",
            "cifar"),
        new Case(
            "train --optimizer conflicting with the checkpoint",
            1,
            "--optimizer sgd conflicts with the checkpoint",
            "train",
            "--checkpoint",
            ck,
            "--optimizer",
            "sgd"),
        new Case("train --epochs many", 2, "--epochs", "train", "--epochs", "many"),
        new Case(
            "predict --top-k -1",
            1,
            "--top-k must be >= 1, got -1",
            "predict",
            m,
            img,
            "--top-k",
            "-1"),
        new Case(
            "predict --classes of the wrong count",
            1,
            "--classes gives 3 class names but the model has 4 outputs",
            "predict",
            m,
            img,
            "--classes",
            "a,b,c"),
        new Case(
            "predict a missing image",
            1,
            "gone.png: cannot decode as an image: no such file",
            "predict",
            m,
            dir.resolve("gone.png").toString()),
        new Case(
            "predict a corrupt image",
            1,
            "broken.png: cannot decode as an image",
            "predict",
            m,
            dir.resolve("broken.png").toString()),
        new Case(
            "predict an image of another size",
            1,
            "the image is 16x16 but the model expects 8x8",
            "predict",
            m,
            dir.resolve("big.png").toString()),
        new Case(
            "predict with a missing model",
            1,
            "no such file",
            "predict",
            dir.resolve("none.cnn4j").toString(),
            img),
        new Case(
            "predict with a corrupt model",
            1,
            "not a complete zip archive",
            "predict",
            dir.resolve("broken.png").toString(),
            img),
        new Case(
            "evaluate --batch 0", 1, "--batch must be >= 1, got 0", "evaluate", m, "--batch", "0"),
        new Case("bench --window 0", 1, "--window must be >= 1, got 0", "bench", "--window", "0"),
        new Case("bench --batch 0", 1, "--batch must be >= 1, got 0", "bench", "--batch", "0"),
        new Case(
            "bench --infer-reps 0",
            1,
            "--infer-reps must be >= 1, got 0",
            "bench",
            "--infer-reps",
            "0"),
        new Case(
            "bench --infer-batch 0",
            1,
            "--infer-batch must be >= 1, got 0",
            "bench",
            "--infer-batch",
            "0"),
        new Case("example --batch 0", 1, "--batch must be >= 1, got 0", "example", "--batch", "0"),
        new Case(
            "summary of a corrupt model",
            1,
            "not a complete zip archive",
            "summary",
            dir.resolve("broken.png").toString()),
        new Case(
            "an unknown backend",
            1,
            "'nosuch' is not on the class path",
            "summary",
            "--backend",
            "nosuch"));
  }

  @TestFactory
  Stream<DynamicTest> everyBadInputGetsOneLineAndAnExitCode() {
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      CommandLine cli = Cnn4j.commandLine();
                      StringWriter err = new StringWriter();
                      cli.setErr(new PrintWriter(err));
                      cli.setOut(new PrintWriter(new StringWriter()));
                      int code = cli.execute(c.args());
                      String text = err.toString();
                      assertEquals(c.code(), code, text);
                      assertFalse(text.contains("\tat "), text);
                      assertFalse(text.contains("Exception:"), text);
                      assertTrue(text.contains(c.says()), text);
                      if (c.code() == 1) {
                        assertEquals(1, text.strip().lines().count(), text);
                        assertTrue(text.startsWith("cnn4j: "), text);
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> anOutOfMemoryErrorIsOneLineToo() {
    return Stream.of(
        DynamicTest.dynamicTest(
            "OutOfMemoryError",
            () -> {
              String line = Cnn4j.oneLine(new OutOfMemoryError("Java heap space"));
              assertTrue(
                  line.startsWith("out of memory: Java heap space; use a smaller --batch"), line);
            }));
  }

  /** Images for these tests. */
  static final class ImageFolderTestImages {
    static Path grey(Path file, int w, int h, int level) throws IOException {
      var img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, level);
      ImageIO.write(img, "png", file.toFile());
      return file;
    }
  }
}
