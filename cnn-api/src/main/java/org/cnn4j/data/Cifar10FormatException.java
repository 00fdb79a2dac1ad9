package org.cnn4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A CIFAR-10 binary batch that does not hold whole records of 1 label byte and 3,072 pixel bytes,
 * or holds a label outside 0..9. The message names the file, the byte offset and what was found,
 * e.g. {@code "data_batch_3.bin: truncated at byte 30,729,000: record 9,999 holds 1,927 of 3,073
 * bytes"}.
 */
public final class Cifar10FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** The byte offset where the problem was found. */
  private final long offset;

  /**
   * @param file the batch file at fault
   * @param offset the byte offset where the problem was found
   * @param detail what was expected and what was found, read after {@code "file: "}
   */
  public Cifar10FormatException(Path file, long offset, String detail) {
    super(file + ": " + detail);
    this.file = file;
    this.offset = offset;
  }

  /** The batch file at fault. */
  public Path file() {
    return file;
  }

  /** The byte offset where the problem was found. */
  public long offset() {
    return offset;
  }
}
