package org.cnn4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, gzipped or not.
 *
 * <p>An IDX file is a 4-byte magic number {@code 0x0000TTNN} (TT the element type, {@code 0x08} for
 * unsigned bytes; NN the number of dimensions), NN big-endian int32 dimensions, then the elements
 * in row-major order. Images are {@code 0x00000803} ({@code [count, rows, cols]}), labels {@code
 * 0x00000801} ({@code [count]}). A gzipped file is recognised by its {@code 0x1f8b} header,
 * whatever its name.
 *
 * <p>Everything the header promises is checked: the magic number, every dimension ({@code > 0},
 * product within a Java array), and that the file holds exactly the bytes the header says, no fewer
 * and no more. A failure is an {@link IdxFormatException} naming the file, the byte offset (in the
 * decompressed stream for a gzipped file) and what was expected against what was found.
 *
 * <p>Values are not rescaled: pixels come back as floats in {@code 0..255}, as Keras' uint8 arrays;
 * divide by 255 with {@link LabeledImages#rescale(float)}.
 */
public final class Idx {
  /** IDX element type code of unsigned bytes, the only one MNIST uses. */
  static final int UNSIGNED_BYTE = 0x08;

  /** The largest array the JVM reliably allocates. */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static final int CHUNK = 1 << 16;

  private Idx() {}

  /**
   * Images from an IDX images file, without labels.
   *
   * <p>Shapes: {@code pixels} is {@code [count, height, width]} row-major, values {@code 0..255}.
   *
   * @param pixels every image's pixels, {@code count * height * width} values
   * @param count the number of images
   * @param height the rows of each image
   * @param width the columns of each image
   */
  public record Images(float[] pixels, int count, int height, int width) {
    /**
     * Checks that {@code pixels} holds {@code count * height * width} values.
     *
     * @throws IllegalArgumentException when it does not
     */
    public Images {
      if (pixels.length != (long) count * height * width) {
        throw new IllegalArgumentException(
            "pixels hold "
                + pixels.length
                + " floats, expected "
                + count
                + "x"
                + height
                + "x"
                + width);
      }
    }
  }

  /**
   * Reads an images file and its labels file into one {@link LabeledImages}.
   *
   * <p>Shapes: images {@code [count, rows, cols, 1]} (NHWC, values {@code 0..255}), labels {@code
   * [count]} class indices as floats.
   *
   * @throws IdxFormatException if either file is malformed, or the label count differs from the
   *     image count (the message names both files)
   */
  public static LabeledImages read(Path images, Path labels) throws IOException {
    Images x = readImages(images);
    float[] y = readLabels(labels);
    if (y.length != x.count()) {
      // The label count is the labels file's first dimension, at byte 4.
      throw new IdxFormatException(
          labels,
          4,
          String.format(
              Locale.ROOT,
              "label count at byte 4 does not match the images: expected %,d labels, one per image"
                  + " in %s, found %,d",
              x.count(),
              images,
              y.length));
    }
    return new LabeledImages(x.pixels(), y, x.count(), x.height(), x.width(), 1);
  }

  /**
   * Reads an IDX images file (magic {@code 0x00000803}).
   *
   * <p>Shapes: pixels {@code [count, rows, cols]} row-major, values {@code 0..255}.
   */
  public static Images readImages(Path file) throws IOException {
    Body body = readUnsignedBytes(file, 3, "pixel bytes");
    return new Images(body.values(), body.dims()[0], body.dims()[1], body.dims()[2]);
  }

  /**
   * Reads an IDX labels file (magic {@code 0x00000801}).
   *
   * <p>Shapes: {@code [count]}, each label an unsigned byte as a float.
   */
  public static float[] readLabels(Path file) throws IOException {
    return readUnsignedBytes(file, 1, "label bytes").values();
  }

  /** The dimensions and values of an unsigned-byte IDX file. */
  private record Body(int[] dims, float[] values) {}

  private static Body readUnsignedBytes(Path file, int rank, String unit) throws IOException {
    try (Reader in = new Reader(file)) {
      int magic = readMagic(in, rank);
      int[] dims = readDims(in, rank);
      long size = checkedProduct(file, dims, unit);
      long headerBytes = in.position();
      float[] values = new float[(int) size];
      byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
      int done = 0;
      while (done < size) {
        int want = (int) Math.min(chunk.length, size - done);
        int got = in.read(chunk, want);
        for (int i = 0; i < got; i++) values[done + i] = chunk[i] & 0xFF;
        done += got;
        if (got < want) {
          throw new IdxFormatException(
              file,
              in.position(),
              String.format(
                  Locale.ROOT,
                  "truncated at byte %,d: header says %s = %,d %s, file ends after %,d",
                  in.position(),
                  dimsText(dims),
                  size,
                  unit,
                  done));
        }
      }
      long trailing = in.skipToEnd();
      if (trailing > 0) {
        throw new IdxFormatException(
            file,
            headerBytes + size,
            String.format(
                Locale.ROOT,
                "%,d trailing bytes at byte %,d: header (magic 0x%08X) says %s = %,d %s and no more,"
                    + " file holds %,d bytes",
                trailing,
                headerBytes + size,
                magic,
                dimsText(dims),
                size,
                unit,
                headerBytes + size + trailing));
      }
      return new Body(dims, values);
    }
  }

  private static int readMagic(Reader in, int rank) throws IOException {
    Path file = in.file();
    int expected = (UNSIGNED_BYTE << 8) | rank;
    byte[] b = new byte[4];
    int got = in.read(b, 4);
    if (got < 4) {
      throw new IdxFormatException(
          file,
          got,
          String.format(
              Locale.ROOT,
              "truncated at byte %d: expected the 4-byte magic number 0x%08X (%s), file ends after %d"
                  + " bytes",
              got,
              expected,
              layout(rank),
              got));
    }
    int magic = bigEndianInt(b, 0);
    if (b[0] != 0 || b[1] != 0 || (b[2] & 0xFF) != UNSIGNED_BYTE) {
      throw new IdxFormatException(
          file,
          0,
          String.format(
              Locale.ROOT,
              "bad magic number at byte 0: expected 0x%08X (%s), found 0x%08X (%s)",
              expected,
              layout(rank),
              magic,
              describeMagic(b)));
    }
    int foundRank = b[3] & 0xFF;
    if (foundRank != rank) {
      throw new IdxFormatException(
          file,
          3,
          String.format(
              Locale.ROOT,
              "wrong dimension count at byte 3: expected %d (%s, magic 0x%08X), found %d (magic"
                  + " 0x%08X%s)",
              rank,
              layout(rank),
              expected,
              foundRank,
              magic,
              hintForRank(foundRank)));
    }
    return magic;
  }

  private static int[] readDims(Reader in, int rank) throws IOException {
    Path file = in.file();
    byte[] b = new byte[4 * rank];
    int got = in.read(b, b.length);
    if (got < b.length) {
      throw new IdxFormatException(
          file,
          4 + got,
          String.format(
              Locale.ROOT,
              "truncated at byte %d: expected %d big-endian int32 dimensions (%s) after the magic"
                  + " number, file ends after %d bytes",
              4 + got,
              rank,
              layout(rank),
              4 + got));
    }
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = bigEndianInt(b, 4 * i);
      if (dims[i] <= 0) {
        throw new IdxFormatException(
            file,
            4 + 4 * i,
            String.format(
                Locale.ROOT,
                "bad dimension %d of %d at byte %d: expected > 0, found %,d",
                i + 1,
                rank,
                4 + 4 * i,
                Integer.toUnsignedLong(dims[i])));
      }
    }
    return dims;
  }

  private static long checkedProduct(Path file, int[] dims, String unit) throws IdxFormatException {
    long size = 1;
    for (int d : dims) {
      size *= d;
      if (size > MAX_ELEMENTS) {
        throw new IdxFormatException(
            file,
            4,
            String.format(
                Locale.ROOT,
                "header at byte 4 says %s: more %s than one Java array holds (%,d)",
                dimsText(dims),
                unit,
                MAX_ELEMENTS));
      }
    }
    return size;
  }

  private static String layout(int rank) {
    return switch (rank) {
      case 1 -> "unsigned bytes, 1 dimension: labels [count]";
      case 3 -> "unsigned bytes, 3 dimensions: images [count, rows, cols]";
      default -> "unsigned bytes, " + rank + " dimensions";
    };
  }

  private static String hintForRank(int found) {
    return switch (found) {
      case 1 -> ", the layout of a labels file";
      case 3 -> ", the layout of an images file";
      default -> "";
    };
  }

  private static String describeMagic(byte[] b) {
    if (b[0] != 0 || b[1] != 0) return "not an IDX file: its first two bytes must be zero";
    String type =
        switch (b[2] & 0xFF) {
          case 0x08 -> "unsigned bytes";
          case 0x09 -> "signed bytes";
          case 0x0B -> "int16";
          case 0x0C -> "int32";
          case 0x0D -> "float32";
          case 0x0E -> "float64";
          default -> String.format(Locale.ROOT, "unknown element type 0x%02X", b[2] & 0xFF);
        };
    return type + ", " + (b[3] & 0xFF) + " dimensions; only unsigned bytes are read";
  }

  private static String dimsText(int[] dims) {
    var sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : "x").append(dims[i]);
    return sb.toString();
  }

  private static int bigEndianInt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24
        | (b[at + 1] & 0xFF) << 16
        | (b[at + 2] & 0xFF) << 8
        | (b[at + 3] & 0xFF);
  }

  /**
   * A byte stream over an IDX file, decompressed when it starts with the gzip magic, that keeps its
   * position and turns a broken gzip stream into an {@link IdxFormatException} at that position.
   */
  private static final class Reader implements AutoCloseable {
    private final Path file;
    private final InputStream in;
    private long position;

    Reader(Path file) throws IOException {
      this.file = file;
      var buffered = new BufferedInputStream(Files.newInputStream(file), CHUNK);
      try {
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        this.in = gzip ? new GZIPInputStream(buffered, CHUNK) : buffered;
      } catch (ZipException | EOFException e) {
        buffered.close();
        throw new IdxFormatException(
            file, 0, "bad gzip header at byte 0 of the compressed file: " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        buffered.close();
        throw e;
      }
    }

    Path file() {
      return file;
    }

    long position() {
      return position;
    }

    /** Reads up to {@code len} bytes into {@code buf}; fewer only at the end of the data. */
    int read(byte[] buf, int len) throws IOException {
      int done = 0;
      try {
        while (done < len) {
          int n = in.read(buf, done, len - done);
          if (n < 0) break;
          done += n;
        }
      } catch (ZipException | EOFException e) {
        throw brokenGzip(position + done, e);
      }
      position += done;
      return done;
    }

    /** Reads to the end and returns how many bytes were left. */
    long skipToEnd() throws IOException {
      try {
        return in.transferTo(OutputStream.nullOutputStream());
      } catch (ZipException | EOFException e) {
        throw brokenGzip(position, e);
      }
    }

    private IdxFormatException brokenGzip(long at, IOException cause) {
      var e =
          new IdxFormatException(
              file,
              at,
              String.format(
                  Locale.ROOT,
                  "gzip data truncated or corrupt at byte %,d of the decompressed stream: %s",
                  at,
                  cause.getMessage()));
      e.initCause(cause);
      return e;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
