package org.cnn4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be read: truncated, corrupt, from a newer format version, or not a cnn4j
 * model file. The message names the file and, where one is at fault, the entry.
 */
public final class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** The zip entry at fault, or null when the whole file is. */
  private final String entry;

  /**
   * A model file exception with its cause.
   *
   * @param file the file at fault
   * @param entry the zip entry at fault, or null when the whole file is
   * @param problem what is wrong, appended to the message
   * @param cause the underlying failure, or null
   */
  public ModelFileException(Path file, String entry, String problem, Throwable cause) {
    super(file + (entry == null ? "" : ", entry '" + entry + "'") + ": " + problem, cause);
    this.file = file;
    this.entry = entry;
  }

  /**
   * A model file exception without a cause.
   *
   * @param file the file at fault
   * @param entry the zip entry at fault, or null when the whole file is
   * @param problem what is wrong, appended to the message
   */
  public ModelFileException(Path file, String entry, String problem) {
    this(file, entry, problem, null);
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The zip entry at fault, or null when the whole file is. */
  public String entry() {
    return entry;
  }
}
