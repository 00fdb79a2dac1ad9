package org.cnn4j.spark;

import java.util.Locale;

/**
 * What to do with a row whose sample cannot be decoded for the model (wrong image size or channel
 * count, an image Spark could not read, a missing value, a label out of range).
 */
public enum OnCorruptRow {
  /** Fail the task, and so the job, with a {@link CorruptRowException} naming the row. */
  FAIL,
  /** Leave the row out, count it and log it (WARN, on the executor). */
  SKIP;

  /** The name as params and the command line write it: "fail", "skip". */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses "fail" or "skip" (any case).
   *
   * @throws IllegalArgumentException naming the values allowed
   */
  public static OnCorruptRow of(String value) {
    for (OnCorruptRow o : values()) if (o.id().equalsIgnoreCase(value)) return o;
    throw new IllegalArgumentException(
        "on corrupt row: expected fail or skip, got '" + value + "'");
  }
}
