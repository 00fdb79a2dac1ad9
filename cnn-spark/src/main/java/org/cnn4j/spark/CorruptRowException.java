package org.cnn4j.spark;

/**
 * A row whose sample cannot be decoded for the model, with {@link OnCorruptRow#FAIL}. The message
 * names the row (its id column, an image's origin, or its place in its partition) and what is
 * wrong, e.g. {@code corrupt row file:/data/x/7.png (partition 0, row 7): image is 32x32x3, the
 * model takes 28x28x1}. Spark fails the job with it as the cause.
 */
public final class CorruptRowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String row;
  private final String reason;

  public CorruptRowException(String row, String reason) {
    super("corrupt row " + row + ": " + reason);
    this.row = row;
    this.reason = reason;
  }

  /** How the row was named. */
  public String row() {
    return row;
  }

  /** What is wrong with its sample. */
  public String reason() {
    return reason;
  }
}
