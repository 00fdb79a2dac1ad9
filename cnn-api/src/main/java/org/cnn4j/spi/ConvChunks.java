package org.cnn4j.spi;

/** How many images one im2col scratch matrix holds: bounded so 224x224 batches fit in memory. */
public final class ConvChunks {
  /** Upper bound on one scratch column matrix, in floats (64 MiB). */
  public static final long MAX_COLUMN_FLOATS = 16L << 20;

  private ConvChunks() {}

  /**
   * How many images of {@code s} one column matrix of {@code columnWidth} columns holds within
   * {@link #MAX_COLUMN_FLOATS}: at least 1, at most the batch.
   */
  public static int imagesPerChunk(Conv2dSpec s, int columnWidth) {
    long perImage = (long) s.outH() * s.outW() * columnWidth;
    return (int) Math.max(1, Math.min(s.n(), MAX_COLUMN_FLOATS / Math.max(1, perImage)));
  }
}
