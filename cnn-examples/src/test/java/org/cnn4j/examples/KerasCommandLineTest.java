package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The cnn4j command with Keras files: the MNIST model Keras 2.2.4 saved reads digits typeset as
 * MNIST lays out its digits, evaluates on MNIST's IDX files with Keras' scaling, and converts to
 * .keras and back.
 */
class KerasCommandLineTest {
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = Cnn4j.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = cli.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(saved);
    }
  }

  /**
   * Keras 2.2.4's MNIST CNN from the shared keras-fixtures (CNN4J_KERAS_FIXTURES); the test is
   * skipped without it.
   */
  private static Path mnistModel() {
    Path root =
        Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    String env = System.getenv("CNN4J_KERAS_FIXTURES");
    Path dir =
        env != null && !env.isEmpty()
            ? Path.of(env)
            : root.resolve("../shared/keras-fixtures").normalize();
    Path file = dir.resolve("mnist_cnn_keras2.2.4.h5");
    assumeTrue(
        Files.isRegularFile(file), "the real Keras files are looked for in " + file.getParent());
    return file;
  }

  private static LabeledImages digits() {
    try {
      return DigitImages.render();
    } catch (java.awt.AWTError | InternalError e) {
      assumeTrue(false, "Java2D cannot draw text here (no fonts?): " + e);
      return null;
    }
  }

  @Test
  void theKerasMnistModelReadsTypesetDigits() throws Exception {
    LabeledImages d = digits();
    try (Model model = Models.load(mnistModel())) {
      int[] predicted = CliSupport.argmax(model.predict(d.rescale(1f / 255), 32).values(), 10);
      int right = 0;
      for (int i = 0; i < predicted.length; i++) if (predicted[i] == (int) d.labels()[i]) right++;
      double accuracy = right / (double) predicted.length;
      System.out.printf(
          "Keras MNIST CNN on %d typeset digits: %.1f%% right%n", predicted.length, 100 * accuracy);
      assertTrue(accuracy >= 0.8, "only " + right + " of " + predicted.length + " digits right");
    }
  }

  @Test
  void evaluateAKerasModelOnMnistWithItsScaling(@TempDir Path dir) throws Exception {
    Path model = mnistModel();
    DigitImages.writeIdx(digits(), dir.resolve("mnist"));
    String saved = System.getProperty(Datasets.PROPERTY);
    System.setProperty(Datasets.PROPERTY, dir.toString());
    try {
      Run r = run("evaluate", model.toString(), "--dataset", "mnist", "--scale", "0.0039215686");
      assertEquals(0, r.code(), r.err());
      Matcher m = Pattern.compile("accuracy: ([0-9.]+)").matcher(r.out());
      assertTrue(m.find(), r.out());
      assertTrue(Double.parseDouble(m.group(1)) >= 0.8, r.out());
      assertTrue(r.out().startsWith("mnist test (60 images): loss: "), r.out());
      // Raw pixels into a model trained on x / 255: still runs, but reads nothing.
      Run raw = run("evaluate", model.toString(), "--dataset", "mnist", "--scale", "1");
      assertEquals(0, raw.code(), raw.err());
    } finally {
      if (saved == null) System.clearProperty(Datasets.PROPERTY);
      else System.setProperty(Datasets.PROPERTY, saved);
    }
  }

  @Test
  void predictTakesKerasScaling(@TempDir Path dir) throws Exception {
    Path model = mnistModel();
    LabeledImages d = digits();
    Path png = dir.resolve("seven.png");
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < 784; i++)
      img.getRaster().setSample(i % 28, i / 28, 0, (int) d.images()[7 * 784 + i]);
    javax.imageio.ImageIO.write(img, "png", png.toFile());
    Run r =
        run(
            "predict",
            model.toString(),
            png.toString(),
            "--scale",
            "0.0039215686",
            "--top-k",
            "1",
            "--classes",
            "mnist");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("1. 7 "), r.out());
  }

  @Test
  void convertKerasToKerasAndToCnn4jAndBack(@TempDir Path dir) throws Exception {
    Path h5 = mnistModel();
    Path keras = dir.resolve("mnist.keras");
    Path cnn4j = dir.resolve("mnist.cnn4j");
    Run r = run("convert", h5.toString(), keras.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("242,062 params"), r.out());
    assertEquals(0, run("convert", keras.toString(), cnn4j.toString()).code());
    Run summary = run("summary", cnn4j.toString());
    assertEquals(0, summary.code(), summary.err());
    LabeledImages d = digits().rescale(1f / 255);
    try (Model a = Models.load(h5);
        Model b = Models.load(keras);
        Model c = Models.load(cnn4j)) {
      float[] pa = a.predict(d, 32).values();
      org.junit.jupiter.api.Assertions.assertArrayEquals(pa, b.predict(d, 32).values());
      org.junit.jupiter.api.Assertions.assertArrayEquals(pa, c.predict(d, 32).values());
    }
  }
}
