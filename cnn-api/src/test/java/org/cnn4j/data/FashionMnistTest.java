package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The real Fashion-MNIST, where Debian's {@code dataset-fashion-mnist} package installed it. */
class FashionMnistTest {
  private static final Path INSTALLED = Path.of("/usr/share/datasets/fashion-mnist");

  @Test
  void installedFashionMnistHasKerasCountsShapesAndLabels() throws Exception {
    assumeTrue(
        Files.isDirectory(INSTALLED), INSTALLED + " absent: apt-get install dataset-fashion-mnist");

    TrainTestSplit split = Datasets.fashionMnist(INSTALLED);

    LabeledImages train = split.train();
    LabeledImages test = split.test();
    assertEquals(60_000, train.count());
    assertEquals(10_000, test.count());
    for (LabeledImages part : new LabeledImages[] {train, test}) {
      assertEquals(28, part.height());
      assertEquals(28, part.width());
      assertEquals(1, part.channels());
    }
    int[] perClass = new int[10];
    for (float label : train.labels()) perClass[(int) label]++; // out of 0..9 throws
    assertArrayEquals(
        new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, perClass);
    for (float label : test.labels()) assertEquals(label, Math.rint(label), 0f);
    assertEquals(9f, train.labels()[0], "the first training image is an ankle boot");
    float max = 0;
    for (float p : train.images()) max = Math.max(max, p);
    assertEquals(255f, max, "pixels are 0..255, not rescaled");
  }

  @Test
  void defaultLookupFindsTheInstalledCopyWhenNothingElseIsConfigured() throws Exception {
    assumeTrue(Files.isDirectory(INSTALLED), INSTALLED + " absent");
    assumeTrue(
        unset(System.getProperty(Datasets.PROPERTY)) && unset(System.getenv(Datasets.ENV)),
        "a configured folder would be looked in first");
    assumeTrue(
        !Files.exists(
            Path.of(System.getProperty("user.home"), ".cnn4j", "datasets", "fashion-mnist")),
        "a per-user copy would be looked in first");

    TrainTestSplit split = Datasets.fashionMnist();

    assertEquals(60_000, split.train().count());
    assertEquals(10_000, split.test().count());
  }

  /** The build passes the property through empty when it is not given; empty means unset. */
  private static boolean unset(String value) {
    return value == null || value.isBlank();
  }
}
