package org.cnn4j.conformance;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.data.Dataset;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;

/**
 * A short training run of the lesson's network (Conv2D + ReLU, max pooling, Dense softmax) from
 * identical initial weights on both backends: the loss after every step must agree within {@link
 * #TRAINING}. It exercises the layers' forward and backward composition end to end.
 */
public final class TrainingChecks extends Checks {
  /** Losses after a few Adam steps: many ops compound, so a relative 1e-3. */
  public static final Tolerance TRAINING = new Tolerance("TRAINING", 1e-4, 1e-3, 0);

  private static final int SAMPLES = 64;
  private static final int SIDE = 12;
  private static final int CLASSES = 10;

  public TrainingChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  /** Two epochs of batch 16, no shuffling, Adam; per-step running losses compared. */
  @SuppressWarnings("try") // the session is there for its close, which checks for leaked buffers
  public void shortRunMatchesTheReference() {
    try (Session s = session()) {
      float[] got = stepLosses(underTest);
      float[] want = stepLosses(reference);
      if (want.length != 2 * SAMPLES / 16) {
        throw new org.opentest4j.AssertionFailedError(
            "the reference run reported " + want.length + " steps, expected 8");
      }
      Compare.finite("training losses", got);
      Compare.close("per-step training loss", got, want, TRAINING);
    }
  }

  /** The per-step losses of the short run on {@code backend} (what AllBackendsTest compares). */
  public static float[] shortRunLosses(Backend backend) {
    return stepLosses(backend);
  }

  private static float[] stepLosses(Backend backend) {
    List<Double> losses = new ArrayList<>();
    Callback record =
        new Callback() {
          @Override
          public void onBatchEnd(int batch, Map<String, Double> logs) {
            losses.add(logs.get("loss"));
          }
        };
    try (Sequential model =
        new Sequential(
            backend,
            42L,
            new Input(SIDE, SIDE, 1),
            new Conv2D(4, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(CLASSES, "softmax"))) {
      model.output(new PrintStream(OutputStream.nullOutputStream()));
      model.compile("adam", "sparse_categorical_crossentropy");
      model.fit(
          dataset(),
          FitOptions.epochs(2).batchSize(16).shuffle(false).verbose(0).callbacks(record));
    }
    float[] out = new float[losses.size()];
    for (int i = 0; i < out.length; i++) out[i] = losses.get(i).floatValue();
    return out;
  }

  /** Seeded images whose class is drawn with them; the same on every call. */
  private static Dataset dataset() {
    Inputs in = new Inputs(2024);
    float[] x = in.uniform(SAMPLES * SIDE * SIDE, 0, 1);
    float[] y = in.labels(SAMPLES, CLASSES);
    return new Dataset() {
      @Override
      public int size() {
        return SAMPLES;
      }

      @Override
      public int[] sampleShape() {
        return new int[] {SIDE, SIDE, 1};
      }

      @Override
      public int labelSize() {
        return 1;
      }

      @Override
      public void copyBatch(int[] indices, int from, int batch, float[] xs, float[] ys) {
        int per = SIDE * SIDE;
        for (int b = 0; b < batch; b++) {
          int i = indices == null ? from + b : indices[from + b];
          System.arraycopy(x, i * per, xs, b * per, per);
          ys[b] = y[i];
        }
      }
    };
  }
}
