package org.cnn4j.models;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.cnn4j.data.Dataset;

/**
 * The batches of one pass over a data set, assembled on a background thread two batches ahead, so
 * the backend does not wait for the host copy (or for decoding, with a slower data set), and each
 * checked as it is copied ({@link SampleChecks}). {@link #close()} stops the thread.
 */
final class Batches implements AutoCloseable {
  /** One host batch: x {@code [size, sample]} and y {@code [size, labelSize]}. */
  record Batch(float[] x, float[] y, int size) {}

  private static final Batch END = new Batch(new float[0], new float[0], 0);

  /**
   * Arrays in rotation: two queued, one being read by the trainer, one being filled. The filler
   * reuses slot i only after the trainer asked for batch i - 3, so it is done with batch i - 4.
   */
  private static final int RING = 4;

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
  private final Thread worker;

  /**
   * @param order the sample order, or null for the data set's order
   * @param count how many samples of the order to read
   * @throws IllegalArgumentException for a batch size below 1 or a batch no Java array holds
   */
  Batches(Dataset data, int[] order, int offset, int count, int batchSize, SampleChecks checks) {
    if (batchSize < 1)
      throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
    long sample = 1;
    for (int d : data.sampleShape()) sample *= d;
    int sampleSize = (int) sample;
    int labelSize = data.labelSize();
    int largest = Math.min(batchSize, count);
    String shape = Arrays.toString(data.sampleShape()).replace('[', '(').replace(']', ')');
    long fits = HostArrays.MAX_LENGTH / Math.max(sample, 1);
    String advice =
        "use a smaller batch size"
            + (largest > fits
                ? " (a batch size of at most " + fits + " fits in a Java array)"
                : "");
    if ((long) largest * sample > HostArrays.MAX_LENGTH
        || 4 * (long) largest * sample > Runtime.getRuntime().maxMemory()) {
      // Fails here, on the caller's thread, rather than in the copying thread.
      HostArrays.floats(
          (long) largest * sample, "a batch of " + largest + " samples of shape " + shape, advice);
    }
    // Full batches rotate through RING arrays instead of new ones per batch, so a long run makes
    // no garbage proportional to the data (and the heap, hence resident memory, stays flat).
    float[][] xs = new float[RING][];
    float[][] ys = new float[RING][];
    worker =
        new Thread(
            () -> {
              try {
                int index = 0;
                for (int from = 0; from < count; from += batchSize, index++) {
                  int size = Math.min(batchSize, count - from);
                  float[] x;
                  float[] y;
                  if (size == batchSize) {
                    int slot = index % RING;
                    if (xs[slot] == null) {
                      xs[slot] = batchArray(size, sampleSize, shape, advice);
                      ys[slot] = new float[size * labelSize];
                    }
                    x = xs[slot];
                    y = ys[slot];
                  } else {
                    x = batchArray(size, sampleSize, shape, advice);
                    y = new float[size * labelSize];
                  }
                  int first = offset + from;
                  if (order == null) data.copyBatch(null, first, size, x, y);
                  else data.copyBatch(order, first, size, x, y);
                  checks.check(
                      x,
                      y,
                      size,
                      sampleSize,
                      labelSize,
                      row -> order == null ? first + row : order[first + row]);
                  queue.put(new Batch(x, y, size));
                }
                queue.put(END);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException | Error e) {
                queue.clear();
                queue.offer(e);
              }
            },
            "cnn4j-batches");
    worker.setDaemon(true);
    worker.start();
  }

  private static float[] batchArray(int size, int sampleSize, String shape, String advice) {
    return HostArrays.floats(
        (long) size * sampleSize, "a batch of " + size + " samples of shape " + shape, advice);
  }

  /** The next batch, or null at the end. */
  Batch next() {
    Object o;
    try {
      o = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    }
    if (o instanceof RuntimeException r) throw r;
    if (o instanceof Error err) throw err;
    Batch b = (Batch) o;
    if (b == END) {
      queue.offer(END);
      return null;
    }
    return b;
  }

  @Override
  public void close() {
    worker.interrupt();
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
