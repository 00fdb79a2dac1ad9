package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.cnn4j.data.Datasets.Known;
import org.cnn4j.data.Datasets.Place;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
  @TempDir Path dir;

  /**
   * One record: label, then pixel (row, col) of plane c holds {@code label * 10 + c * 3 + (row +
   * col) % 3}, so every byte tells its plane.
   */
  static byte[] record(int label) {
    byte[] r = new byte[Cifar10.RECORD];
    r[0] = (byte) label;
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < Cifar10.PIXELS; p++)
        r[1 + c * Cifar10.PIXELS + p] = (byte) (label * 10 + c * 3 + (p / 32 + p % 32) % 3);
    }
    return r;
  }

  static byte[] records(int... labels) {
    byte[] all = new byte[labels.length * Cifar10.RECORD];
    for (int i = 0; i < labels.length; i++)
      System.arraycopy(record(labels[i]), 0, all, i * Cifar10.RECORD, Cifar10.RECORD);
    return all;
  }

  /** A data set folder: batch k holds labels k-1 and k, the test batch 9 and 0. */
  static Path cifar(Path folder) throws IOException {
    Files.createDirectories(folder);
    for (int k = 1; k <= 5; k++)
      Files.write(folder.resolve("data_batch_" + k + ".bin"), records(k - 1, k));
    Files.write(folder.resolve("test_batch.bin"), records(9, 0));
    return folder;
  }

  @Test
  void readsTheBatchesInOrderAsNhwcPixels() throws IOException {
    TrainTestSplit split = Datasets.cifar10(cifar(dir));

    LabeledImages train = split.train();
    assertEquals(10, train.count());
    assertArrayEquals(new int[] {32, 32, 3}, train.sampleShape());
    assertArrayEquals(new float[] {0, 1, 1, 2, 2, 3, 3, 4, 4, 5}, train.labels());
    assertArrayEquals(new float[] {9, 0}, split.test().labels());
    // image 3 has label 2: pixel (0, 0) is R 20, G 23, B 26; pixel (0, 1) R 21, G 24, B 27
    int base = 3 * 3072;
    assertArrayEquals(
        new float[] {20, 23, 26, 21, 24, 27}, Arrays.copyOfRange(train.images(), base, base + 6));
    // pixel (1, 2) of image 3: (1 + 2) % 3 = 0
    assertArrayEquals(
        new float[] {20, 23, 26},
        Arrays.copyOfRange(train.images(), base + (32 + 2) * 3, base + (32 + 2) * 3 + 3));
  }

  @Test
  void aTruncatedBatchNamesTheFileAndTheOffset() throws IOException {
    cifar(dir);
    Path bad = dir.resolve("data_batch_3.bin");
    Files.write(bad, Arrays.copyOf(records(1, 2), Cifar10.RECORD + 100));

    var e = assertThrows(Cifar10FormatException.class, () -> Datasets.cifar10(dir));

    assertEquals(bad, e.file());
    assertEquals(Cifar10.RECORD + 100, e.offset());
    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("record 1 holds 100 of 3,073 bytes"), e.getMessage());
  }

  @Test
  void aLabelAbove9IsAnErrorAtItsRecord() throws IOException {
    cifar(dir);
    byte[] bytes = records(1, 2);
    bytes[Cifar10.RECORD] = 12;
    Files.write(dir.resolve("test_batch.bin"), bytes);

    var e = assertThrows(Cifar10FormatException.class, () -> Datasets.cifar10(dir));

    assertTrue(
        e.getMessage().contains("test_batch.bin") && e.getMessage().contains("label 12"),
        e.getMessage());
    assertEquals(Cifar10.RECORD, e.offset());
  }

  @Test
  void anEmptyBatchIsAnError() throws IOException {
    cifar(dir);
    Files.write(dir.resolve("data_batch_1.bin"), new byte[0]);

    var e = assertThrows(Cifar10FormatException.class, () -> Datasets.cifar10(dir));
    assertTrue(e.getMessage().contains("data_batch_1.bin: is empty"), e.getMessage());
  }

  @Test
  void aMissingBatchIsNotFoundNamingIt() throws IOException {
    cifar(dir);
    Files.delete(dir.resolve("data_batch_5.bin"));

    var e = assertThrows(DatasetNotFoundException.class, () -> Datasets.cifar10(dir));

    assertEquals("cifar-10-batches-bin", e.dataset());
    assertTrue(e.getMessage().contains("missing data_batch_5.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("cifar-10-binary.tar.gz"), e.getMessage());
  }

  @Test
  void isLookedForUnderBothNamesInEachPlace() {
    List<Place> places =
        Datasets.places(
            Known.CIFAR10,
            Optional.of("/data"),
            Optional.empty(),
            Path.of("/home/ada"),
            Path.of("/usr/share/datasets"));

    assertEquals(
        List.of(
            Path.of("/data/cifar-10-batches-bin"),
            Path.of("/data/cifar10"),
            Path.of("/data"),
            Path.of("/home/ada/.cnn4j/datasets/cifar-10-batches-bin"),
            Path.of("/home/ada/.cnn4j/datasets/cifar10"),
            Path.of("/usr/share/datasets/cifar-10-batches-bin"),
            Path.of("/usr/share/datasets/cifar10")),
        places.stream().map(Place::dir).toList());
  }

  @Test
  void theFirstPlaceHoldingAllSixFilesWins() throws IOException {
    Path home = dir.resolve("home");
    cifar(home.resolve(".cnn4j/datasets/cifar10"));
    List<Place> places =
        Datasets.places(
            Known.CIFAR10,
            Optional.of(dir.resolve("configured").toString()),
            Optional.empty(),
            home,
            dir.resolve("system"));

    assertEquals(10, Datasets.load(Known.CIFAR10, places).train().count());
  }

  @Test
  void aCifarFolderIsNotTakenForFashionMnist() {
    List<Place> places =
        Datasets.places(
            Known.FASHION_MNIST,
            Optional.of("/data/cifar10"),
            Optional.empty(),
            Path.of("/home/ada"),
            Path.of("/usr/share/datasets"));

    assertFalse(places.stream().map(Place::dir).toList().contains(Path.of("/data/cifar10")));
  }

  @Test
  void notFoundListsThePlacesAndHowToUnpackTheArchive() throws IOException {
    List<Place> places =
        Datasets.places(
            Known.CIFAR10,
            Optional.empty(),
            Optional.empty(),
            dir.resolve("home"),
            dir.resolve("system"));

    var e =
        assertThrows(DatasetNotFoundException.class, () -> Datasets.load(Known.CIFAR10, places));

    for (Place p : places) assertTrue(e.getMessage().contains(p.dir().toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains("https://www.cs.toronto.edu/~kriz/cifar.html"), e.getMessage());
    assertTrue(e.getMessage().contains("data_batch_1.bin"), e.getMessage());
  }
}
