package org.cnn4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads CIFAR-10's binary batches ({@code cifar-10-binary.tar.gz}): each file is a sequence of
 * records of 1 label byte (0..9) and 3,072 pixel bytes, the 32x32 red plane, then green, then blue,
 * rows top to bottom. The five {@code data_batch_N.bin} files hold the 50,000 training images and
 * {@code test_batch.bin} the 10,000 test images (10,000 records each).
 *
 * <p>Shapes: images {@code [count, 32, 32, 3]} NHWC floats {@code 0..255}; labels {@code [count]}
 * class indices.
 */
final class Cifar10 {
  static final int SIDE = 32;
  static final int PIXELS = SIDE * SIDE;
  static final int RECORD = 1 + 3 * PIXELS;
  static final List<String> TRAIN_FILES =
      List.of(
          "data_batch_1.bin",
          "data_batch_2.bin",
          "data_batch_3.bin",
          "data_batch_4.bin",
          "data_batch_5.bin");
  static final String TEST_FILE = "test_batch.bin";

  /** The classes, in label order (as {@code batches.meta.txt}). */
  static final List<String> CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  private Cifar10() {}

  /**
   * The six files in the order {@link #split} takes them: the five training batches, then the test
   * batch.
   */
  static List<String> files() {
    var all = new ArrayList<>(TRAIN_FILES);
    all.add(TEST_FILE);
    return List.copyOf(all);
  }

  /** The training and test sets from the six files, given in {@link #files()} order. */
  static TrainTestSplit split(List<Path> files) throws IOException {
    return new TrainTestSplit(
        read(files.subList(0, TRAIN_FILES.size())),
        read(files.subList(TRAIN_FILES.size(), files.size())));
  }

  /** The records of {@code files}, concatenated in order. */
  static LabeledImages read(List<Path> files) throws IOException {
    var contents = new ArrayList<byte[]>();
    int count = 0;
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      check(file, bytes);
      contents.add(bytes);
      count += bytes.length / RECORD;
    }
    float[] images = new float[count * 3 * PIXELS];
    float[] labels = new float[count];
    int n = 0;
    for (byte[] bytes : contents) {
      for (int r = 0; r < bytes.length / RECORD; r++, n++) {
        int base = r * RECORD;
        labels[n] = bytes[base];
        int out = n * 3 * PIXELS;
        for (int p = 0; p < PIXELS; p++) {
          for (int c = 0; c < 3; c++)
            images[out + p * 3 + c] = bytes[base + 1 + c * PIXELS + p] & 0xFF;
        }
      }
    }
    return new LabeledImages(images, labels, count, SIDE, SIDE, 3);
  }

  private static void check(Path file, byte[] bytes) throws Cifar10FormatException {
    if (bytes.length == 0)
      throw new Cifar10FormatException(
          file,
          0,
          "is empty: expected records of " + RECORD + " bytes (1 label byte + 3,072 pixel bytes)");
    int whole = bytes.length / RECORD;
    int rest = bytes.length % RECORD;
    if (rest != 0) {
      throw new Cifar10FormatException(
          file,
          bytes.length,
          String.format(
              Locale.ROOT,
              "truncated at byte %,d: record %,d holds %,d of %,d bytes (1 label byte + 3,072 pixel bytes)",
              bytes.length,
              whole,
              rest,
              RECORD));
    }
    for (int r = 0; r < whole; r++) {
      int label = bytes[r * RECORD] & 0xFF;
      if (label > 9) {
        throw new Cifar10FormatException(
            file,
            (long) r * RECORD,
            String.format(
                Locale.ROOT,
                "record %,d at byte %,d has label %d; expected a class index 0..9",
                r,
                (long) r * RECORD,
                label));
      }
    }
  }
}
