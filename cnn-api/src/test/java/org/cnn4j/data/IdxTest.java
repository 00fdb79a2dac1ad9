package org.cnn4j.data;

import static org.cnn4j.data.IdxFiles.gzip;
import static org.cnn4j.data.IdxFiles.idx;
import static org.cnn4j.data.IdxFiles.images;
import static org.cnn4j.data.IdxFiles.labels;
import static org.cnn4j.data.IdxFiles.ramp;
import static org.cnn4j.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  private static final float[] RAMP_0_TO_11 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

  private static void assertMessage(IdxFormatException e, Path file, String... parts) {
    String message = e.getMessage();
    assertTrue(message.startsWith(file.toString() + ": "), () -> "names the file: " + message);
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "'" + part + "' in: " + message);
    }
  }

  @Test
  void readsPlainImagesAsUnsignedFloatsInRowMajorOrder() throws Exception {
    Path file = write(dir.resolve("images"), images(3, 2, 2, ramp(12)));

    Idx.Images x = Idx.readImages(file);

    assertEquals(3, x.count());
    assertEquals(2, x.height());
    assertEquals(2, x.width());
    assertArrayEquals(RAMP_0_TO_11, x.pixels());
  }

  @Test
  void pixelsAbove127AreUnsigned() throws Exception {
    byte[] pixels = {(byte) 128, (byte) 200, (byte) 255, 0};
    Path file = write(dir.resolve("images"), images(1, 2, 2, pixels));

    assertArrayEquals(new float[] {128, 200, 255, 0}, Idx.readImages(file).pixels());
  }

  @Test
  void readsGzippedFilesDetectedByHeaderNotByName() throws Exception {
    Path gzNoSuffix = write(dir.resolve("images-without-suffix"), gzip(images(3, 2, 2, ramp(12))));
    Path plainWithGzSuffix = write(dir.resolve("labels.gz"), labels((byte) 7, (byte) 8, (byte) 9));

    assertArrayEquals(RAMP_0_TO_11, Idx.readImages(gzNoSuffix).pixels());
    assertArrayEquals(new float[] {7, 8, 9}, Idx.readLabels(plainWithGzSuffix));
  }

  @Test
  void readsImagesAndLabelsAsNhwcWithOneChannel() throws Exception {
    Path x = write(dir.resolve("x.gz"), gzip(images(3, 2, 2, ramp(12))));
    Path y = write(dir.resolve("y.gz"), gzip(labels((byte) 9, (byte) 0, (byte) 255)));

    LabeledImages data = Idx.read(x, y);

    assertEquals(3, data.count());
    assertEquals(2, data.height());
    assertEquals(2, data.width());
    assertEquals(1, data.channels());
    assertArrayEquals(RAMP_0_TO_11, data.images());
    assertArrayEquals(new float[] {9, 0, 255}, data.labels());
  }

  @Test
  void readsALargeGzippedFileAcrossManyChunks() throws Exception {
    int count = 1000;
    byte[] pixels = ramp(count * 28 * 28);
    Path file = write(dir.resolve("big.gz"), gzip(images(count, 28, 28, pixels)));

    float[] read = Idx.readImages(file).pixels();

    assertEquals(count * 28 * 28, read.length);
    assertEquals(255f, read[255]);
    assertEquals((read.length - 1) & 0xFF, (int) read[read.length - 1]);
  }

  @Test
  void wrongElementTypeIsABadMagicNumber() throws Exception {
    Path file = write(dir.resolve("floats"), idx(0x00000D03, new int[] {1, 1, 1}, new byte[4]));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));

    assertMessage(
        e,
        file,
        "bad magic number at byte 0",
        "expected 0x00000803",
        "found 0x00000D03",
        "float32");
    assertEquals(0, e.offset());
    assertEquals(file, e.file());
  }

  @Test
  void aFileThatIsNotIdxIsABadMagicNumber() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0};
    Path file = write(dir.resolve("photo.png"), png);

    var e = assertThrows(IdxFormatException.class, () -> Idx.readLabels(file));

    assertMessage(e, file, "byte 0", "expected 0x00000801", "found 0x89504E47", "not an IDX file");
  }

  @Test
  void labelsFileReadAsImagesIsAWrongDimensionCount() throws Exception {
    Path file = write(dir.resolve("train-labels-idx1-ubyte"), labels((byte) 1, (byte) 2));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));

    assertMessage(
        e, file, "wrong dimension count at byte 3", "expected 3", "found 1", "labels file");
    assertEquals(3, e.offset());
  }

  @Test
  void imagesFileReadAsLabelsIsAWrongDimensionCount() throws Exception {
    Path file = write(dir.resolve("images"), images(1, 1, 1, new byte[1]));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readLabels(file));

    assertMessage(e, file, "byte 3", "expected 1", "found 3", "images file");
  }

  @Test
  void zeroDimensionIsRejected() throws Exception {
    Path file = write(dir.resolve("images"), idx(0x00000803, new int[] {2, 0, 28}, new byte[0]));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));

    assertMessage(e, file, "dimension 2 of 3 at byte 8", "expected > 0", "found 0");
  }

  @Test
  void dimensionsWhoseProductExceedsAnArrayAreRejected() throws Exception {
    Path file =
        write(dir.resolve("images"), idx(0x00000803, new int[] {100_000, 28_000, 28}, new byte[0]));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));

    assertMessage(e, file, "100000x28000x28", "more pixel bytes than one Java array holds");
  }

  @Test
  void truncatedBodySaysWhereAndHowMuchWasMissing() throws Exception {
    byte[] whole = images(10_000, 28, 28, new byte[7_840_000]);
    Path file = write(dir.resolve("t10k-images-idx3-ubyte"), Arrays.copyOf(whole, 16 + 7_839_000));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));

    assertEquals(
        file
            + ": truncated at byte 7,839,016: header says 10000x28x28 = 7,840,000 pixel"
            + " bytes, file ends after 7,839,000",
        e.getMessage());
    assertEquals(7_839_016, e.offset());
  }

  @Test
  void truncatedGzippedBodyIsCaughtInTheDecompressedStream() throws Exception {
    byte[] whole = images(100, 28, 28, new byte[78_400]);
    Path file = write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(Arrays.copyOf(whole, 50_000)));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));

    assertMessage(
        e,
        file,
        "truncated at byte 50,000",
        "100x28x28 = 78,400 pixel bytes",
        "file ends after 49,984");
  }

  @Test
  void cutGzipStreamIsAnIdxFormatErrorNamingTheFile() throws Exception {
    byte[] compressed = gzip(images(100, 28, 28, ramp(78_400)));
    Path file = write(dir.resolve("cut.gz"), Arrays.copyOf(compressed, compressed.length / 2));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));

    assertMessage(e, file, "gzip data truncated or corrupt at byte");
  }

  @Test
  void truncatedHeaderIsRejected() throws Exception {
    Path file = write(dir.resolve("images"), Arrays.copyOf(images(1, 2, 2, new byte[4]), 10));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));

    assertMessage(e, file, "truncated at byte 10", "expected 3 big-endian int32 dimensions");
  }

  @Test
  void emptyFileIsATruncatedMagicNumber() throws Exception {
    Path file = write(dir.resolve("empty"), new byte[0]);

    var e = assertThrows(IdxFormatException.class, () -> Idx.readLabels(file));

    assertMessage(e, file, "truncated at byte 0", "magic number 0x00000801");
  }

  @Test
  void trailingBytesAreRejected() throws Exception {
    byte[] whole = labels((byte) 1, (byte) 2, (byte) 3);
    byte[] padded = Arrays.copyOf(whole, whole.length + 5);
    Path file = write(dir.resolve("labels.gz"), gzip(padded));

    var e = assertThrows(IdxFormatException.class, () -> Idx.readLabels(file));

    assertMessage(
        e,
        file,
        "5 trailing bytes at byte 11",
        "3 = 3 label bytes and no more",
        "file holds 16 bytes");
    assertEquals(11, e.offset());
  }

  @Test
  void imageAndLabelCountMismatchNamesBothFiles() throws Exception {
    Path x = write(dir.resolve("train-images-idx3-ubyte"), images(3, 2, 2, ramp(12)));
    Path y = write(dir.resolve("train-labels-idx1-ubyte"), labels((byte) 1, (byte) 2));

    var e = assertThrows(IdxFormatException.class, () -> Idx.read(x, y));

    assertMessage(e, y, "at byte 4", "expected 3 labels", x.toString(), "found 2");
  }
}
