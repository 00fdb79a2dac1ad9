package org.cnn4j.models;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.cnn4j.data.Dataset;

/**
 * The batches of one pass over a data set, assembled on a background thread two batches ahead, so
 * the backend does not wait for the host copy (or for decoding, with a slower data set). {@link
 * #close()} stops the thread.
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
   */
  Batches(Dataset data, int[] order, int offset, int count, int batchSize) {
    int sample = 1;
    for (int d : data.sampleShape()) sample *= d;
    int sampleSize = sample;
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
                      xs[slot] = new float[size * sampleSize];
                      ys[slot] = new float[size * data.labelSize()];
                    }
                    x = xs[slot];
                    y = ys[slot];
                  } else {
                    x = new float[size * sampleSize];
                    y = new float[size * data.labelSize()];
                  }
                  if (order == null) data.copyBatch(null, offset + from, size, x, y);
                  else data.copyBatch(order, offset + from, size, x, y);
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
