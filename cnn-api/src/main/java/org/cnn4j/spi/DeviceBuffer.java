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

  /**
   * A count that changes whenever an op may have written this buffer (a backend may count reads
   * too), or -1 where the backend does not keep one. What a caller derives from the contents (the
   * kernel a model folds a BatchNormalization into) stays current while the count is unchanged. The
   * default keeps none.
   */
  default long version() {
    return -1;
  }

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  /** Frees the memory; further calls do nothing. */
  @Override
  void close();
}
