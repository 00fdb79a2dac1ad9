package org.cnn4j.spi;

/** A failure inside a backend, naming the backend, the operation and the native status. */
public class BackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The provider id of the backend that failed. */
  private final String backendId;

  /** The operation that failed. */
  private final String op;

  /** The native status name, or empty. */
  private final String status;

  /**
   * A failure of {@code op} in backend {@code backendId} with native status {@code status} (empty
   * when there is none), described by {@code message}, caused by {@code cause} (may be null).
   */
  public BackendException(
      String backendId, String op, String status, String message, Throwable cause) {
    super(
        backendId + ": " + op + (status.isEmpty() ? "" : " failed with " + status) + ": " + message,
        cause);
    this.backendId = backendId;
    this.op = op;
    this.status = status;
  }

  /** A failure of {@code op} in backend {@code backendId} without a native status. */
  public BackendException(String backendId, String op, String message) {
    this(backendId, op, "", message, null);
  }

  /** The provider id of the backend that failed ("cpu", "opencl", "cuda"). */
  public String backendId() {
    return backendId;
  }

  /** The operation that failed. */
  public String op() {
    return op;
  }

  /** The native status name (e.g. CL_OUT_OF_RESOURCES), or empty. */
  public String status() {
    return status;
  }
}
