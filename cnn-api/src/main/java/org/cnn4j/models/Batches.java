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
  /**
   * One host batch: {@code xs[i]} is {@code [size, sample of input i]}, {@code ys[t]} is {@code
   * [size, labelSize of target t]}.
   */
  record Batch(float[][] xs, float[][] ys, int size) {
    /** The first input (the only one of an image model). */
    float[] x() {
      return xs[0];
    }

    /** The first target. */
    float[] y() {
      return ys[0];
    }
  }

  private static final Batch END = new Batch(new float[0][], new float[0][], 0);

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
    int inputs = data.inputCount();
    int targets = data.targetCount();
    int[] sampleSizes = new int[inputs];
    for (int i = 0; i < inputs; i++) {
      int sample = 1;
      for (int d : data.sampleShape(i)) sample *= d;
      sampleSizes[i] = sample;
    }
    int[] labelSizes = new int[targets];
    for (int t = 0; t < targets; t++) labelSizes[t] = data.labelSize(t);
    // Full batches rotate through RING sets of arrays instead of new ones per batch, so a long run
    // makes no garbage proportional to the data (and the heap, hence resident memory, stays flat).
    Batch[] ring = new Batch[RING];
    worker =
        new Thread(
            () -> {
              try {
                int index = 0;
                for (int from = 0; from < count; from += batchSize, index++) {
                  int size = Math.min(batchSize, count - from);
                  Batch b;
                  if (size == batchSize) {
                    int slot = index % RING;
                    if (ring[slot] == null) ring[slot] = allocate(size, sampleSizes, labelSizes);
                    b = ring[slot];
                  } else {
                    b = allocate(size, sampleSizes, labelSizes);
                  }
                  data.copyBatch(order, offset + from, size, b.xs(), b.ys());
                  queue.put(b);
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

  private static Batch allocate(int size, int[] sampleSizes, int[] labelSizes) {
    float[][] xs = new float[sampleSizes.length][];
    for (int i = 0; i < xs.length; i++) xs[i] = new float[size * sampleSizes[i]];
    float[][] ys = new float[labelSizes.length][];
    for (int t = 0; t < ys.length; t++) ys[t] = new float[size * labelSizes[t]];
    return new Batch(xs, ys, size);
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
