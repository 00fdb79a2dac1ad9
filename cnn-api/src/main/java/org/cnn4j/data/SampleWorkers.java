package org.cnn4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A small pool that runs a per-sample task over the samples of one batch: the calling thread works
 * too, so {@code threads} threads in all. Samples are handed out one at a time, so a slow file does
 * not hold up a whole share. The pool starts on first use and {@link #close()} stops it.
 */
final class SampleWorkers implements AutoCloseable {
  private final int threads;
  private final String name;
  private ExecutorService pool;
  private boolean closed;

  /**
   * @param threads threads in all, the caller's included (1: run on the caller's thread only)
   */
  SampleWorkers(int threads, String name) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.threads = threads;
    this.name = name;
  }

  int threads() {
    return threads;
  }

  /**
   * Runs {@code task} for {@code 0 .. count - 1} and returns when all have run. The first failure
   * is rethrown as it is (the others are suppressed into it). If the caller is interrupted, the
   * remaining samples are abandoned and the interrupt flag is kept.
   */
  void forEach(int count, IntConsumer task) {
    int helpers = Math.min(threads, count) - 1;
    if (helpers <= 0) {
      for (int i = 0; i < count; i++) task.accept(i);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable work =
        () -> {
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            if (Thread.currentThread().isInterrupted()) return;
            task.accept(i);
          }
        };
    List<Future<?>> futures = new ArrayList<>(helpers);
    ExecutorService p = pool();
    for (int t = 0; t < helpers; t++) futures.add(p.submit(work));
    Throwable failure = null;
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      failure = e;
      next.set(count);
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        failure = add(failure, e.getCause());
        next.set(count);
      } catch (InterruptedException e) {
        next.set(count);
        futures.forEach(g -> g.cancel(true));
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (failure instanceof RuntimeException r) throw r;
    if (failure instanceof Error e) throw e;
    if (failure != null) throw new IllegalStateException(failure);
  }

  private static Throwable add(Throwable first, Throwable next) {
    if (first == null) return next;
    if (first != next) first.addSuppressed(next);
    return first;
  }

  private synchronized ExecutorService pool() {
    if (closed) throw new IllegalStateException(name + " is closed");
    if (pool == null) {
      AtomicInteger n = new AtomicInteger();
      pool =
          Executors.newFixedThreadPool(
              threads - 1,
              r -> {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return pool;
  }

  /** Stops the threads and waits for them; further use is an error. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (pool == null) return;
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + ": worker threads did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool = null;
  }
}
