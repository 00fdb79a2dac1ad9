package org.cnn4j.spi;

/** A failure inside a backend, naming the backend, the operation and the native status. */
public class BackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String backendId;
  private final String op;
  private final String status;

  public BackendException(
      String backendId, String op, String status, String message, Throwable cause) {
    super(
        backendId + ": " + op + (status.isEmpty() ? "" : " failed with " + status) + ": " + message,
        cause);
    this.backendId = backendId;
    this.op = op;
    this.status = status;
  }

  public BackendException(String backendId, String op, String message) {
    this(backendId, op, "", message, null);
  }

  public String backendId() {
    return backendId;
  }

  public String op() {
    return op;
  }

  /** The native status name (e.g. CL_OUT_OF_RESOURCES), or empty. */
  public String status() {
    return status;
  }
}
