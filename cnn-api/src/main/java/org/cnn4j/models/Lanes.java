package org.cnn4j.models;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Tensor;

/**
 * Splits a batch into contiguous slices of rows, one per lane of the backend ({@link
 * Backend#lanes()}), and runs them at once: the calling thread takes the first slice, a worker
 * thread each other. A batch that is not split (a backend without lanes, a model that needs whole
 * batches, one row) runs as one slice on the backend itself, on the calling thread: a lane runs on
 * one thread, the backend on all of its own. In training, the first slice writes the parameters'
 * own gradients and every other lane its own buffers, which {@link #run} then adds in: each slice
 * scales its loss gradient by 1 / (batch rows), so the sum is the whole batch's gradient.
 */
final class Lanes implements AutoCloseable {
  /** One slice's work: rows {@code [firstRow, firstRow + rows)} of the batch, on {@code lane}. */
  @FunctionalInterface
  interface Slice {
    void run(Backend lane, int firstRow, int rows, Map<Parameter, Tensor> gradients);
  }

  private final Backend backend;
  private final List<Backend> lanes;
  private final ExecutorService workers;
  private final List<Map<Parameter, Tensor>> gradients = new ArrayList<>();
  private volatile boolean closed;

  Lanes(Backend backend) {
    this.backend = backend;
    List<Backend> offered = backend.lanes();
    this.lanes = offered.size() > 1 ? offered : List.of(backend);
    this.workers =
        lanes.size() > 1
            ? Executors.newFixedThreadPool(
                lanes.size() - 1,
                r -> {
                  Thread t = new Thread(r, "cnn4j-lane");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    for (int i = 0; i < lanes.size(); i++) gradients.add(new IdentityHashMap<>());
  }

  /**
   * Runs {@code slice} over {@code [0, rows)}: split across the lanes when {@code split}, else as
   * one slice on the calling thread; then adds the other lanes' gradients of {@code trainable}
   * (empty outside training) into the parameters' own. Rethrows the first slice's failure as it was
   * thrown.
   */
  void run(int rows, boolean split, List<Parameter> trainable, Slice slice) {
    if (closed) throw new IllegalStateException("the model's lanes are closed");
    int slices = split ? Math.min(lanes.size(), rows) : 1;
    if (slices == 1) {
      slice.run(backend, 0, rows, gradients.get(0));
      return;
    }
    List<Future<?>> pending = new ArrayList<>(slices - 1);
    for (int i = 1; i < slices; i++) {
      int lane = i;
      int first = (int) ((long) rows * i / slices);
      int count = (int) ((long) rows * (i + 1) / slices) - first;
      Map<Parameter, Tensor> own = laneGradients(lane, trainable);
      pending.add(workers.submit(() -> slice.run(lanes.get(lane), first, count, own)));
    }
    RuntimeException failure = null;
    try {
      slice.run(lanes.get(0), 0, rows / slices, gradients.get(0));
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a lane", e);
      } catch (CancellationException e) {
        if (failure == null)
          failure = new IllegalStateException("the model's lanes were closed", e);
      } catch (ExecutionException e) {
        if (failure == null) {
          Throwable cause = e.getCause();
          if (cause instanceof Error err) throw err;
          failure = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
      }
    }
    if (failure != null) throw failure;
    for (int lane = 1; lane < slices; lane++) {
      Map<Parameter, Tensor> own = gradients.get(lane);
      for (Parameter p : trainable) {
        backend.axpby(1f, own.get(p).buffer(), 1f, p.gradient().buffer(), p.shape().size());
      }
    }
  }

  private Map<Parameter, Tensor> laneGradients(int lane, List<Parameter> trainable) {
    Map<Parameter, Tensor> own = gradients.get(lane);
    for (Parameter p : trainable) own.computeIfAbsent(p, k -> k.allocateGradient(backend));
    return own;
  }

  /**
   * Frees the lanes' gradient buffers and stops the worker threads (the backend keeps its lanes).
   * Slices not yet started are cancelled, so a {@link #run} waiting for them fails instead of
   * waiting forever.
   */
  @Override
  public void close() {
    closed = true;
    for (Map<Parameter, Tensor> own : gradients) {
      own.values().forEach(t -> t.buffer().close());
      own.clear();
    }
    if (workers != null) {
      for (Runnable dropped : workers.shutdownNow()) {
        if (dropped instanceof Future<?> f) f.cancel(false);
      }
    }
  }
}
