package org.cnn4j.spi;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether a backend may still run ops: not closed, and not poisoned by a device fault. Every
 * backend asks its guard before it touches native state, so that
 *
 * <ul>
 *   <li>an op after {@link Backend#close()} is an {@link IllegalStateException} naming the backend
 *       ("cpu backend is closed"), never a crash inside a native library that was torn down;
 *   <li>{@code close()} tears the native state down once, however often it is called (for example
 *       by try-with-resources and again by hand);
 *   <li>after a device fault (an error that leaves the device in doubt) every later op fails with
 *       the first fault as its cause, so a training loop cannot run on after a kernel crash.
 * </ul>
 *
 * <pre>{@code
 * public void close() {
 *   if (!guard.close()) return; // closed before
 *   ... free native state ...
 * }
 * }</pre>
 */
public final class BackendGuard {
  private final String backendId;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile BackendException fault;

  /**
   * @param backendId the provider id the messages name ("cpu", "opencl", "cuda")
   */
  public BackendGuard(String backendId) {
    this.backendId = backendId;
  }

  /**
   * Marks the backend closed; true for the first call only, which then frees the native state.
   * Every later {@link #ensureUsable} throws.
   */
  public boolean close() {
    return closed.compareAndSet(false, true);
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Remembers {@code e} as the device fault every later {@link #ensureUsable} rethrows (the first
   * one only).
   */
  public synchronized void fault(BackendException e) {
    if (fault == null) fault = e;
  }

  /** Throws when the backend is closed or an earlier device fault poisoned it. */
  public void ensureUsable() {
    ensureUsable(null);
  }

  /**
   * As {@link #ensureUsable()}, naming the op that was called.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws BackendException after a device fault, with the first fault as its cause
   */
  public void ensureUsable(String op) {
    if (closed.get()) {
      throw new IllegalStateException(
          backendId
              + " backend is closed"
              + (op == null ? "" : ": " + op + " called after close()")
              + "; open a new backend (and a model on it) to go on");
    }
    BackendException first = fault;
    if (first != null) {
      throw new BackendException(
          backendId,
          op == null ? first.op() : op,
          first.status(),
          "the device failed earlier and this backend can no longer be used",
          first);
    }
  }
}
