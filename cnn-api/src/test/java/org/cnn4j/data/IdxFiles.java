package org.cnn4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for the tests. */
final class IdxFiles {
  private IdxFiles() {}

  /** An IDX file with the given magic number, dimensions and body, byte for byte. */
  static byte[] idx(int magic, int[] dims, byte[] body) {
    var buf = ByteBuffer.allocate(4 + 4 * dims.length + body.length); // big-endian
    buf.putInt(magic);
    for (int d : dims) buf.putInt(d);
    buf.put(body);
    return buf.array();
  }

  /** An unsigned-byte images file {@code [count, rows, cols]}. */
  static byte[] images(int count, int rows, int cols, byte[] pixels) {
    return idx(0x00000803, new int[] {count, rows, cols}, pixels);
  }

  /** An unsigned-byte labels file {@code [count]}. */
  static byte[] labels(byte... labels) {
    return idx(0x00000801, new int[] {labels.length}, labels);
  }

  /** Pixels {@code 0, 1, ..., 255, 0, 1, ...}: every unsigned value, above 127 included. */
  static byte[] ramp(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) i;
    return b;
  }

  static byte[] gzip(byte[] data) {
    var out = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Path write(Path file, byte[] data) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, data);
  }

  /**
   * A tiny data set in {@code dir}: train 3 images of 2x2, test 2 images of 2x2, gzipped or not.
   */
  static Path dataset(Path dir, boolean gzipped) throws IOException {
    String ext = gzipped ? ".gz" : "";
    byte[][] files = {
      images(3, 2, 2, ramp(12)), labels((byte) 9, (byte) 0, (byte) 3),
      images(2, 2, 2, ramp(8)), labels((byte) 1, (byte) 2)
    };
    for (int i = 0; i < files.length; i++) {
      write(dir.resolve(Datasets.FILES.get(i) + ext), gzipped ? gzip(files[i]) : files[i]);
    }
    return dir;
  }
}
