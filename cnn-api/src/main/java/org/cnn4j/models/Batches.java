package org.cnn4j.models;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.cnn4j.data.Dataset;

/**
 * The batches of one pass over a data set, assembled on a background thread two batches ahead, so
 * the backend does not wait for the host copy (or for decoding, with a slower data set), and each
 * checked as it is copied ({@link SampleChecks}); a pass of one batch is assembled at once on the
 * caller's thread. {@link #close()} stops the thread.
 */
final class Batches implements AutoCloseable {
  /**
   * One host batch: {@code xs[i]} is {@code [size, sample of input i]}, {@code ys[t]} is {@code
   * [size, labelSize of target t]}.
   */
  record Batch(float[][] xs, float[][] ys, int size, int[] indices) {
    /** The first input (the only one of an image model). */
    float[] x() {
      return xs[0];
    }

    /** The first target. */
    float[] y() {
      return ys[0];
    }
  }

  private static final Batch END = new Batch(new float[0][], new float[0][], 0, new int[0]);

  /**
   * Arrays in rotation: two queued, one being read by the trainer, one being filled. The filler
   * reuses slot i only after the trainer asked for batch i - 3, so it is done with batch i - 4.
   */
  private static final int RING = 4;

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
  private final Thread worker; // null for a pass of one batch

  /**
   * @param order the sample order, or null for the data set's order
   * @param count how many samples of the order to read
   * @throws IllegalArgumentException for a batch size below 1 or a batch no Java array holds
   */
  Batches(Dataset data, int[] order, int offset, int count, int batchSize, SampleChecks checks) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
    }
    int inputs = data.inputCount();
    int targets = data.targetCount();
    int[] sampleSizes = new int[inputs];
    String[] shapes = new String[inputs];
    for (int i = 0; i < inputs; i++) {
      long sample = 1;
      for (int d : data.sampleShape(i)) sample *= d;
      shapes[i] = Arrays.toString(data.sampleShape(i)).replace('[', '(').replace(']', ')');
      int largest = Math.min(batchSize, count);
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
            (long) largest * sample,
            "a batch of " + largest + " samples of shape " + shapes[i],
            advice);
      }
      sampleSizes[i] = (int) sample;
    }
    int[] labelSizes = new int[targets];
    for (int t = 0; t < targets; t++) labelSizes[t] = data.labelSize(t);
    // Full batches rotate through RING sets of arrays instead of new ones per batch, so a long run
    // makes no garbage proportional to the data (and the heap, hence resident memory, stays flat).
    Batch[] ring = new Batch[RING];
    Runnable fill =
        () -> {
          try {
            int index = 0;
            for (int from = 0; from < count; from += batchSize, index++) {
              int size = Math.min(batchSize, count - from);
              Batch b;
              if (size == batchSize) {
                int slot = index % RING;
                if (ring[slot] == null) {
                  ring[slot] = allocate(size, sampleSizes, labelSizes, shapes);
                }
                b = ring[slot];
              } else {
                b = allocate(size, sampleSizes, labelSizes, shapes);
              }
              int first = offset + from;
              data.copyBatch(order, first, size, b.xs(), b.ys());
              for (int row = 0; row < size; row++) {
                b.indices()[row] = order == null ? first + row : order[first + row];
              }
              checks.check(
                  b,
                  sampleSizes,
                  labelSizes,
                  row -> order == null ? first + row : order[first + row]);
              queue.put(b);
            }
            queue.put(END);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException | Error e) {
            queue.clear();
            queue.offer(e);
          }
        };
    if (count <= batchSize) {
      // One batch (a prediction on one sample, say) is read here: a thread of its own would only
      // add its start and a handoff to the call.
      worker = null;
      fill.run();
    } else {
      worker = new Thread(fill, "cnn4j-batches");
      worker.setDaemon(true);
      worker.start();
    }
  }

  private static Batch allocate(int size, int[] sampleSizes, int[] labelSizes, String[] shapes) {
    float[][] xs = new float[sampleSizes.length][];
    for (int i = 0; i < xs.length; i++) {
      xs[i] =
          HostArrays.floats(
              (long) size * sampleSizes[i],
              "a batch of " + size + " samples of shape " + shapes[i],
              "use a smaller batch size");
    }
    float[][] ys = new float[labelSizes.length][];
    for (int t = 0; t < ys.length; t++) ys[t] = new float[size * labelSizes[t]];
    return new Batch(xs, ys, size, new int[size]);
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
    if (worker == null) return;
    worker.interrupt();
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
