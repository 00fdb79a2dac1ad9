package org.cnn4j.data;

import java.nio.file.Path;

/**
 * An image file that could not be decoded: not an image, a truncated or corrupt one, or one no
 * installed ImageIO reader handles. The message names the file and what went wrong, e.g. {@code
 * "data/train/cat/041.png: cannot decode as an image: Error reading PNG image data"}.
 *
 * <p>Unchecked because it surfaces from {@link Dataset#copyBatch} during {@code fit}; ask {@link
 * ImageFolder.Builder#onUnreadable} to skip such files instead.
 */
public final class UnreadableImageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** What went wrong, without the file name. */
  private final String reason;

  /**
   * @param file the file at fault
   * @param reason what went wrong, read after {@code "file: cannot decode as an image: "}
   * @param cause the decoder's exception, or null
   */
  public UnreadableImageException(Path file, String reason, Throwable cause) {
    super(file + ": cannot decode as an image: " + reason, cause);
    this.file = file;
    this.reason = reason;
  }

  /** What went wrong, without the file name. */
  public String reason() {
    return reason;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
