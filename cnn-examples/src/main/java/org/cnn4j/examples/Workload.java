package org.cnn4j.examples;

import java.io.IOException;
import java.util.SplittableRandom;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPooling2D;

/** The benchmark workloads W1, W2, W3 of BENCHMARKS.md: their networks and their data. */
public enum Workload {
  W1,
  W2,
  W3;

  /** The layers of this workload's network (softmax output, as the peers' logits + softmax CE). */
  public Layer[] layers() {
    return switch (this) {
      case W1 ->
          new Layer[] {
            new Input(28, 28, 1),
            new Conv2D(16, 3, "relu"),
            new MaxPooling2D(2),
            new Conv2D(32, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(64, "relu"),
            new Dense(10, "softmax")
          };
      case W2 ->
          new Layer[] {
            new Input(32, 32, 3),
            new Conv2D(32, 3, "relu"),
            new MaxPooling2D(2),
            new Conv2D(64, 3, "relu"),
            new MaxPooling2D(2),
            new Conv2D(64, 3, "relu"),
            new Flatten(),
            new Dense(64, "relu"),
            new Dense(10, "softmax")
          };
      case W3 ->
          new Layer[] {
            new Input(224, 224, 3),
            new Conv2D(32, 3, "relu"),
            new MaxPooling2D(2),
            new Conv2D(64, 3, "relu"),
            new MaxPooling2D(2),
            new Conv2D(128, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(256, "relu"),
            new Dropout(0.5),
            new Dense(10, "softmax")
          };
    };
  }

  /**
   * Training and inference data: real Fashion-MNIST scaled to [0, 1] for W1 (its test set for
   * inference), synthetic uniform images otherwise (seeds 42 and 43). One call reads the files
   * once: reading the split for each part held a second copy of the training set (188 MB) while
   * loading, which grew the heap, hence resident memory, by that much for the whole run.
   */
  public TrainTestSplit data() throws IOException {
    return switch (this) {
      case W1 -> {
        TrainTestSplit read = Datasets.fashionMnist();
        yield new TrainTestSplit(scaledToUnit(read.train()), scaledToUnit(read.test()));
      }
      case W2 ->
          new TrainTestSplit(synthetic(10_240, 32, 32, 3, 42), synthetic(2_560, 32, 32, 3, 43));
      case W3 ->
          new TrainTestSplit(synthetic(640, 224, 224, 3, 42), synthetic(256, 224, 224, 3, 43));
    };
  }

  /**
   * The pixels divided by 255, in the array just read: {@link LabeledImages#rescale} would copy it,
   * and the two arrays at once (376 MB for the training set) made the heap, hence resident memory,
   * grow by that much for the whole run.
   */
  private static LabeledImages scaledToUnit(LabeledImages read) {
    float[] pixels = read.images();
    for (int i = 0; i < pixels.length; i++) pixels[i] *= 1f / 255;
    return read;
  }

  /** Uniform [0, 1) pixels with random labels in 0..9: for throughput only. */
  public static LabeledImages synthetic(int n, int h, int w, int c, long seed) {
    return synthetic(n, h, w, c, seed, 10);
  }

  /** Uniform [0, 1) pixels with random labels in {@code [0, classes)}: for throughput only. */
  public static LabeledImages synthetic(int n, int h, int w, int c, long seed, int classes) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * h * w * c];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = r.nextInt(classes);
    return new LabeledImages(x, y, n, h, w, c);
  }
}
