package org.cnn4j.models;

import java.util.HashMap;
import java.util.Map;

/**
 * Who is running a model's operations (fit, evaluate, predict, weights), so that {@link
 * #close(Runnable)} from another thread neither frees buffers in use nor leaves that thread waiting
 * forever: it marks the model closed, waits until the running operations stop (each stops at its
 * next batch with "model '...' is closed"), then frees. Closed from inside an operation on its own
 * thread (a callback), the freeing waits until that operation returns.
 */
final class UseGuard {
  /** One thread's use, ended by {@link #close()}. */
  interface Use extends AutoCloseable {
    @Override
    void close();
  }

  private final String model;
  private final Map<Thread, Integer> users = new HashMap<>();
  private boolean closed;
  private Runnable pendingRelease;

  UseGuard(String model) {
    this.model = model;
  }

  /**
   * Starts an operation on the calling thread (re-entrant).
   *
   * @throws IllegalStateException when the model is closed
   */
  synchronized Use enter(String operation) {
    check(operation);
    users.merge(Thread.currentThread(), 1, Integer::sum);
    return this::exit;
  }

  /** Runs {@code body} as the operation {@code operation} on the calling thread. */
  <T> T call(String operation, java.util.function.Supplier<T> body) {
    Use use = enter(operation);
    try {
      return body.get();
    } finally {
      use.close();
    }
  }

  /** Throws when the model has been closed: running operations call it before each batch. */
  synchronized void check() {
    if (closed) {
      throw new IllegalStateException(
          "model '" + model + "' is closed: close() was called while this operation ran");
    }
  }

  private void check(String operation) {
    if (closed) {
      throw new IllegalStateException(
          "model '" + model + "' is closed: " + operation + " cannot use it");
    }
  }

  private void exit() {
    Runnable release = null;
    synchronized (this) {
      Thread me = Thread.currentThread();
      int left = users.merge(me, -1, Integer::sum);
      if (left <= 0) users.remove(me);
      notifyAll();
      if (closed && users.isEmpty() && pendingRelease != null) {
        release = pendingRelease;
        pendingRelease = null;
      }
    }
    if (release != null) release.run();
  }

  /**
   * Marks the model closed and runs {@code release} once no other thread is inside an operation:
   * now, or when the calling thread's own operation returns. Later calls do nothing.
   */
  void close(Runnable release) {
    boolean interrupted = false;
    synchronized (this) {
      if (closed) return;
      closed = true;
      Thread me = Thread.currentThread();
      while (users.keySet().stream().anyMatch(t -> t != me)) {
        try {
          wait();
        } catch (InterruptedException e) {
          // Freeing while another thread still reads the buffers could crash the process.
          interrupted = true;
        }
      }
      if (users.containsKey(me)) {
        pendingRelease = release;
        release = null;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    if (release != null) release.run();
  }
}
