package org.cnn4j.spi;

/**
 * A block of float32 memory owned by one backend. The caller that allocated it owns it and frees it
 * with {@link #close()}, which is idempotent. Using a closed buffer is an error.
 *
 * <p>Integer data (class labels) is stored as float32 values; class indices below 2^24 are exact.
 */
public interface DeviceBuffer extends AutoCloseable {
  /** Length in float32 elements. */
  long length();

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  /** Frees the memory; further calls do nothing. */
  @Override
  void close();
}
