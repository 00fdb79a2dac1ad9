package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.History;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** fit, evaluate and predict on a tiny problem a small CNN learns: which quadrant is bright. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingTest {
  private static final int SIDE = 8;
  private static final LabeledImages TRAIN = Quadrants.images(256, SIDE, 11L);
  private static final LabeledImages TEST = Quadrants.images(64, SIDE, 12L);

  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private Sequential model(long seed) {
    Sequential m =
        new Sequential(
            backend,
            seed,
            new Input(SIDE, SIDE, 1),
            new Conv2D(4, 3, "relu").padding("same"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dropout(0.1),
            new Dense(Quadrants.CLASSES, "softmax"));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    m.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
    return m;
  }

  private static FitOptions options(int epochs) {
    return FitOptions.epochs(epochs).batchSize(32).verbose(0).seed(5L);
  }

  @Test
  void lossGoesDownAndAccuracyGetsHigh() {
    try (var m = model(42L)) {
      History h = m.fit(TRAIN, options(8));
      List<Double> loss = h.get("loss");
      assertEquals(8, loss.size());
      assertTrue(loss.get(7) < 0.5 * loss.get(0), "loss per epoch " + loss);
      // Falls every epoch while it is large; near zero, Adam's steps may wobble it up a little.
      for (int e = 1; e < 4; e++)
        assertTrue(loss.get(e) < loss.get(e - 1), "loss per epoch " + loss);
      for (int e = 4; e < loss.size(); e++)
        assertTrue(loss.get(e) < 0.1 * loss.get(0), "loss per epoch " + loss);
      assertTrue(h.get("accuracy").get(7) >= 0.95, "accuracy per epoch " + h.get("accuracy"));
      Map<String, Double> test = m.evaluate(TEST);
      assertEquals(List.of("loss", "accuracy"), List.copyOf(test.keySet()));
      assertTrue(test.get("accuracy") >= 0.95, "test " + test);
    }
  }

  @Test
  void historyHasOneValuePerEpochForEachKey() {
    try (var m = model(42L)) {
      History h = m.fit(TRAIN, options(3));
      assertEquals(3, h.epochs());
      assertEquals(List.of("loss", "accuracy"), List.copyOf(h.history().keySet()));
      h.history().values().forEach(v -> assertEquals(3, v.size()));
    }
  }

  @Test
  void validationSplitTakesTheLastSamples() {
    try (var m = model(42L)) {
      History h = m.fit(TRAIN, options(2).validationSplit(0.25));
      assertEquals(
          List.of("loss", "accuracy", "val_loss", "val_accuracy"),
          List.copyOf(h.history().keySet()));
      assertEquals(2, h.get("val_loss").size());
      // Keras' split: the last quarter, before shuffling, is the validation set.
      Map<String, Double> last = m.evaluate(TRAIN.slice(192, 256));
      assertEquals(last.get("loss"), h.get("val_loss").get(1), 1e-6);
      assertEquals(last.get("accuracy"), h.get("val_accuracy").get(1), 1e-12);
    }
  }

  @Test
  void predictGivesOneProbabilityRowPerSample() {
    try (var m = model(42L)) {
      m.fit(TRAIN, options(2));
      float[] p = m.predict(TEST, 10).values();
      assertEquals(TEST.size() * Quadrants.CLASSES, p.length);
      for (int r = 0; r < TEST.size(); r++) {
        double sum = 0;
        for (int c = 0; c < Quadrants.CLASSES; c++) {
          float v = p[r * Quadrants.CLASSES + c];
          assertTrue(v >= 0 && v <= 1, "probability " + v + " in row " + r);
          sum += v;
        }
        assertEquals(1.0, sum, 1e-5, "row " + r);
      }
    }
  }

  @Test
  void predictDoesNotDependOnTheBatchSize() {
    try (var m = model(42L)) {
      m.fit(TRAIN, options(1));
      float[] whole = m.predict(TEST, 64).values();
      float[] pieces = m.predict(TEST, 7).values();
      for (int i = 0; i < whole.length; i++)
        assertEquals(whole[i], pieces[i], 1e-6f, "element " + i);
    }
  }

  @Test
  void evaluateMatchesPredictOnTheSameData() {
    try (var m = model(42L)) {
      m.fit(TRAIN, options(2));
      float[] p = m.predict(TEST).values();
      double loss = 0;
      int correct = 0;
      for (int r = 0; r < TEST.size(); r++) {
        int label = (int) TEST.labels()[r];
        loss -= Math.log(p[r * Quadrants.CLASSES + label]);
        int best = 0;
        for (int c = 1; c < Quadrants.CLASSES; c++) {
          if (p[r * Quadrants.CLASSES + c] > p[r * Quadrants.CLASSES + best]) best = c;
        }
        if (best == label) correct++;
      }
      Map<String, Double> result = m.evaluate(TEST, 16);
      assertEquals(loss / TEST.size(), result.get("loss"), 1e-4);
      assertEquals((double) correct / TEST.size(), result.get("accuracy"), 1e-12);
    }
  }

  @Test
  void sameSeedsTrainToIdenticalLosses() {
    List<Double> first;
    List<Double> second;
    try (var m = model(7L)) {
      first = m.fit(TRAIN, options(3)).get("loss");
    }
    try (var m = model(7L)) {
      second = m.fit(TRAIN, options(3)).get("loss");
    }
    assertEquals(first, second);
  }
}
