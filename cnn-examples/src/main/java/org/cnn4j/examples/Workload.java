package org.cnn4j.examples;

import java.io.IOException;
import java.util.SplittableRandom;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
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
   * Training data: real Fashion-MNIST scaled to [0, 1] for W1, synthetic uniform images (seed 42)
   * otherwise.
   */
  public LabeledImages trainData() throws IOException {
    return switch (this) {
      case W1 -> Datasets.fashionMnist().train().rescale(1f / 255);
      case W2 -> synthetic(10_240, 32, 32, 3, 42);
      case W3 -> synthetic(640, 224, 224, 3, 42);
    };
  }

  /** Inference data: the Fashion-MNIST test set for W1, synthetic otherwise (seed 43). */
  public LabeledImages testData() throws IOException {
    return switch (this) {
      case W1 -> Datasets.fashionMnist().test().rescale(1f / 255);
      case W2 -> synthetic(2_560, 32, 32, 3, 43);
      case W3 -> synthetic(256, 224, 224, 3, 43);
    };
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
