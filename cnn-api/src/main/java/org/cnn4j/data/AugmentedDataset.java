package org.cnn4j.data;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Another data set's samples, augmented as they are read: what {@link
 * ImageDataGenerator#flow(Dataset)} returns. The wrapped data set's labels pass unchanged.
 * Augmentation runs on a small pool of threads inside {@link #copyBatch}; {@link #close()} stops
 * them (the wrapped data set is not closed).
 *
 * <p>Sample {@code i} read for the {@code n}-th time gets the transform the generator draws for
 * {@code (i, n)}, so a run is repeatable whatever the thread timing.
 */
public final class AugmentedDataset implements Dataset, AutoCloseable {
  private final Dataset data;
  private final ImageDataGenerator generator;
  private final int h;
  private final int w;
  private final int c;
  private final AtomicIntegerArray draws;
  private final SampleWorkers workers;
  private final ThreadLocal<float[]> scratch;

  AugmentedDataset(Dataset data, ImageDataGenerator generator, int threads) {
    int[] shape = data.sampleShape();
    if (shape.length != 3) {
      throw new IllegalArgumentException(
          "augmentation needs images [height, width, channels], got samples of rank "
              + shape.length);
    }
    this.data = data;
    this.generator = generator;
    this.h = shape[0];
    this.w = shape[1];
    this.c = shape[2];
    this.draws = new AtomicIntegerArray(data.size());
    this.workers = new SampleWorkers(threads, "cnn4j-augment");
    int sample = h * w * c;
    this.scratch = ThreadLocal.withInitial(() -> new float[sample]);
  }

  /** The data set being augmented. */
  public Dataset source() {
    return data;
  }

  @Override
  public int size() {
    return data.size();
  }

  @Override
  public int[] sampleShape() {
    return data.sampleShape();
  }

  @Override
  public int labelSize() {
    return data.labelSize();
  }

  @Override
  public void copyBatch(int[] indices, int from, int batch, float[] x, float[] y) {
    data.copyBatch(indices, from, batch, x, y);
    int sample = h * w * c;
    int[] index = new int[batch];
    int[] draw = new int[batch];
    for (int b = 0; b < batch; b++) {
      index[b] = indices == null ? from + b : indices[from + b];
      draw[b] = draws.getAndIncrement(index[b]);
    }
    workers.forEach(
        batch,
        b -> {
          float[] copy = scratch.get();
          System.arraycopy(x, b * sample, copy, 0, sample);
          ImageTransform t = generator.randomTransform(h, w, index[b], draw[b]);
          generator.apply(t, copy, 0, h, w, c, x, b * sample);
        });
  }

  @Override
  public void close() {
    workers.close();
  }
}
