package org.cnn4j.spi;

/**
 * The {@link java.util.ServiceLoader} entry of a backend jar. A constructor does nothing native and
 * no native library loads in a static initializer: all native work happens in {@link #probe()}
 * (which never throws) and {@link #open(BackendConfig)}.
 */
public interface BackendProvider {
  /** Short lower-case id a user names the backend by: "cpu", "opencl", "cuda". */
  String id();

  /** Higher wins when no backend is named. */
  int priority();

  /**
   * Whether this backend can run on this machine. Never throws (it catches {@link Throwable}, since
   * a missing native library is an {@link UnsatisfiedLinkError}) and caches its answer.
   */
  Availability probe();

  /**
   * Opens the backend. Call only when {@link #probe()} says it is available.
   *
   * @throws BackendException with the probe's reason when it is not
   */
  Backend open(BackendConfig config);
}
