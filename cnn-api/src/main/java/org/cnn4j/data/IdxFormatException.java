package org.cnn4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An IDX file that does not hold what its header promises: a wrong magic number, a bad dimension, a
 * truncated body, trailing bytes, or an image count that differs from its label count.
 *
 * <p>The message always names the file, the byte offset (in the decompressed stream when the file
 * is gzipped) and what was expected against what was found, e.g. {@code "t10k-images-idx3-ubyte.gz:
 * truncated at byte 7,839,016: header says 10000x28x28 = 7,840,000 pixel bytes, file ends after
 * 7,839,000"}.
 */
public final class IdxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** The byte offset where the problem was found (decompressed, for a gzipped file). */
  private final long offset;

  /**
   * @param file the IDX file at fault
   * @param offset the byte offset where the problem was found
   * @param detail what was expected and what was found, read after {@code "file: "}
   */
  public IdxFormatException(Path file, long offset, String detail) {
    super(file + ": " + detail);
    this.file = file;
    this.offset = offset;
  }

  /** The IDX file at fault. */
  public Path file() {
    return file;
  }

  /** The byte offset where the problem was found (decompressed, for a gzipped file). */
  public long offset() {
    return offset;
  }
}
