package org.cnn4j.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits a loop over {@code [0, n)} into one contiguous range per thread. Small loops run inline:
 * handing work to another thread costs microseconds, more than the loops of a small network.
 */
final class Parallel implements AutoCloseable {
  /** A loop body over the index range {@code [from, to)}. */
  @FunctionalInterface
  interface Range {
    void run(int from, int to);
  }

  private final int threads;
  private final ExecutorService workers;

  Parallel(int threads) {
    this.threads = threads;
    this.workers =
        threads > 1
            ? Executors.newFixedThreadPool(
                threads - 1,
                r -> {
                  Thread t = new Thread(r, "cnn4j-cpu");
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  int threads() {
    return threads;
  }

  /**
   * Runs {@code body} over {@code [0, n)}; {@code work} estimates the total element operations, and
   * below {@code minWork} per extra thread the loop runs on the caller alone.
   */
  void forRange(int n, long work, Range body) {
    int parts = (int) Math.min(Math.min(threads, n), Math.max(1, work / MIN_WORK_PER_THREAD));
    if (parts <= 1) {
      body.run(0, n);
      return;
    }
    List<Future<?>> pending = new ArrayList<>(parts - 1);
    for (int p = 1; p < parts; p++) {
      int from = (int) ((long) n * p / parts);
      int to = (int) ((long) n * (p + 1) / parts);
      pending.add(workers.submit(() -> body.run(from, to)));
    }
    body.run(0, (int) ((long) n / parts));
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a cnn4j-cpu worker", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) throw r;
        if (cause instanceof Error err) throw err;
        throw new IllegalStateException(cause);
      }
    }
  }

  /**
   * Below this many element operations a loop is not worth a second thread. Handing a range to the
   * worker and waiting for it costs tens of microseconds on a 2-core VM: Adam over 65,536
   * parameters took 105 us split in two and 68 us on one thread, the sum of two such gradients 58
   * and 35 us (at 32,768, the earlier threshold, both were split).
   */
  static final long MIN_WORK_PER_THREAD = 131_072;

  @Override
  public void close() {
    if (workers != null) workers.shutdownNow();
  }
}
