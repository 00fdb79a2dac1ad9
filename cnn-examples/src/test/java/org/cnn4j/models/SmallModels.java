package org.cnn4j.models;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;

/** A small CNN and data for the model-file, resume and callback tests, on the CPU backend. */
public final class SmallModels {
  public static final int SIDE = 8;
  public static final int CLASSES = 4;

  private SmallModels() {}

  public static Backend cpu() {
    return Backends.open("cpu", BackendConfig.defaults());
  }

  /** Conv, batch norm, pooling, dropout and dense: every kind of state a model file holds. */
  public static Sequential model(Backend backend, long seed) {
    Sequential m =
        new Sequential(
            backend,
            seed,
            new Input(SIDE, SIDE, 1),
            new Conv2D(4, 3, "relu").padding("same"),
            new BatchNormalization(),
            new MaxPooling2D(2),
            new Flatten(),
            new Dropout(0.2),
            new Dense(CLASSES, "softmax"));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    m.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
    return m;
  }

  /** Which quadrant is brightest, with noise: learnable in a few epochs. */
  public static LabeledImages data(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * SIDE * SIDE];
    float[] y = new float[n];
    int h = SIDE / 2;
    for (int i = 0; i < n; i++) {
      int q = r.nextInt(CLASSES);
      y[i] = q;
      for (int row = 0; row < SIDE; row++) {
        for (int col = 0; col < SIDE; col++) {
          boolean in = (row < h ? 0 : 2) + (col < h ? 0 : 1) == q;
          x[i * SIDE * SIDE + row * SIDE + col] = (float) ((in ? 0.7 : 0.2) + 0.3 * r.nextDouble());
        }
      }
    }
    return new LabeledImages(x, y, n, SIDE, SIDE, 1);
  }

  public static FitOptions quiet(int epochs) {
    return FitOptions.epochs(epochs).batchSize(16).verbose(0).seed(7L);
  }
}
