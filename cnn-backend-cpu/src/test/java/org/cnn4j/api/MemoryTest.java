package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.Test;

/** A long fit holds flat memory, and closing the model frees every buffer it made. */
class MemoryTest {
  private static Sequential model(Backend backend) {
    Sequential m =
        new Sequential(
            backend,
            3L,
            new Input(8, 8, 1),
            new Conv2D(4, 3, "relu"),
            new BatchNormalization(),
            new MaxPooling2D(2),
            new Flatten(),
            new Dropout(0.2),
            new Dense(Quadrants.CLASSES, "softmax"));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  @Test
  void liveBuffersStayFlatAcrossEpochsAndReturnToZeroAfterClose() {
    try (Backend backend = ApiTests.openCpu()) {
      assertEquals(0, backend.memoryStats().liveBuffers(), "a fresh backend");
      List<Long> perEpoch = new ArrayList<>();
      Callback count =
          new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
              backend.synchronize();
              perEpoch.add(backend.memoryStats().liveBuffers());
            }
          };
      Sequential m = model(backend);
      long afterCompile = backend.memoryStats().liveBuffers();
      // 2 conv + 4 batch-norm + 2 dense parameters, 6 gradients.
      assertEquals(14, afterCompile, "parameters and gradients");
      m.fit(
          Quadrants.images(96, 8, 2L),
          FitOptions.epochs(5).batchSize(16).validationSplit(0.25).callbacks(count));
      // Adam's two slots per trainable parameter appear with the first step, then nothing grows.
      assertEquals(
          List.of(
              afterCompile + 12,
              afterCompile + 12,
              afterCompile + 12,
              afterCompile + 12,
              afterCompile + 12),
          perEpoch);
      m.evaluate(Quadrants.images(16, 8, 4L));
      m.predict(Quadrants.images(16, 8, 4L)).values();
      backend.synchronize();
      assertEquals(
          afterCompile + 12, backend.memoryStats().liveBuffers(), "after evaluate and predict");
      m.close();
      backend.synchronize();
      assertEquals(0, backend.memoryStats().liveBuffers(), "after model.close()");
    }
  }

  /**
   * A pass frees each layer's buffers once nothing reads them again. Measured as the growth of the
   * pass's transient peak (peak live bytes above what stays after it) when the same chain gets 12
   * more layers of {@code ACT} bytes of activations per batch: in inference the live activations
   * are a few whatever the depth; in training the forward activations stay for the backward, but
   * the gradients and scratch of the backward go layer by layer. Keeping every buffer to the end of
   * the pass grew inference by ~12 ACT and training by ~36 ACT (activations, their gradients, the
   * fused ReLU backward's scratch).
   */
  @Test
  void aPassHoldsItsLiveActivationsRatherThanAllOfThem() {
    long inferDeep = transientPeak(16, false);
    long inferShallow = transientPeak(4, false);
    assertTrue(
        inferDeep - inferShallow < 2 * ACT,
        "inference: 12 more layers grew the peak by " + (inferDeep - inferShallow) + " bytes");
    long trainDeep = transientPeak(16, true);
    long trainShallow = transientPeak(4, true);
    long growth = trainDeep - trainShallow;
    assertTrue(
        growth >= 12 * ACT && growth < 16 * ACT,
        "training: 12 more layers grew the peak by " + growth + " bytes, expected 12-16 x " + ACT);
  }

  // A pass of at least a million floats of activations, which a model plans (smaller ones keep
  // every buffer to the end of the pass: nothing to gain).
  private static final int WIDTH = 256;
  private static final int BATCH = 2048;
  private static final long ACT = (long) WIDTH * BATCH * Float.BYTES;

  /**
   * Peak live bytes above those that stay, of one training step or one prediction, on one lane (two
   * lanes' peaks overlap by chance).
   */
  private static long transientPeak(int depth, boolean training) {
    try (Backend backend =
        org.cnn4j.backends.Backends.open("cpu", new BackendConfig(Map.of("lanes", "false")))) {
      List<Layer> layers = new ArrayList<>();
      layers.add(new Input(WIDTH));
      for (int i = 0; i < depth; i++) layers.add(new Dense(WIDTH, "relu"));
      layers.add(new Dense(10, "softmax"));
      try (Sequential m = new Sequential(backend, 5L, layers.toArray(new Layer[0]))) {
        m.compile("sgd", "sparse_categorical_crossentropy");
        float[] x = new float[BATCH * WIDTH];
        float[] y = new float[BATCH];
        for (int i = 0; i < x.length; i++) x[i] = (i % 7) / 7f;
        for (int i = 0; i < y.length; i++) y[i] = i % 10;
        ArrayDataset data = ArrayDataset.of(BATCH).input(x, WIDTH).target(y, 1);
        if (training) {
          m.fit(data, FitOptions.epochs(1).batchSize(BATCH).verbose(0));
        } else {
          m.predict(data, BATCH).values();
        }
        backend.synchronize();
        return backend.memoryStats().peakBytes() - backend.memoryStats().liveBytes();
      }
    }
  }

  @Test
  void recompilingFreesTheOldOptimizerState() {
    try (Backend backend = ApiTests.openCpu()) {
      try (Sequential m = model(backend)) {
        m.fit(Quadrants.images(32, 8, 2L), FitOptions.epochs(1).batchSize(16).verbose(0));
        long trained = backend.memoryStats().liveBuffers();
        m.compile("sgd", "sparse_categorical_crossentropy");
        m.fit(Quadrants.images(32, 8, 2L), FitOptions.epochs(1).batchSize(16).verbose(0));
        assertEquals(trained - 12, backend.memoryStats().liveBuffers(), "plain SGD keeps no slots");
      }
      assertEquals(0, backend.memoryStats().liveBuffers(), "after model.close()");
    }
  }
}
