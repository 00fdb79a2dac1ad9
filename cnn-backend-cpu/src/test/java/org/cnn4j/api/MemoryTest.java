package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
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
