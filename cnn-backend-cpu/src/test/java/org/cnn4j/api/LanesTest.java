package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.RandomFlip;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.Test;

/**
 * A batch split across the CPU backend's lanes trains as the whole batch does: the same losses,
 * weights, dropout masks, augmentations and predictions as with lanes off, up to float rounding
 * (the slices' gradients are added in another order). Batch sizes that do not divide evenly are
 * included.
 */
class LanesTest {
  private static final int SIDE = 8;
  private static final LabeledImages TRAIN = Quadrants.images(200, SIDE, 21L);
  private static final LabeledImages TEST = Quadrants.images(50, SIDE, 22L);

  private static Backend open(boolean lanes) {
    return Backends.open(
        "cpu", new BackendConfig(Map.of("lanes", Boolean.toString(lanes), "threads", "3")));
  }

  private record Run(
      List<Double> losses,
      List<Double> accuracies,
      float[][] weights,
      float[] predictions,
      double testLoss) {}

  private static Run train(boolean lanes, Function<Backend, Sequential> build) {
    try (Backend backend = open(lanes);
        Sequential m = build.apply(backend)) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      m.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
      var h = m.fit(TRAIN, FitOptions.epochs(3).batchSize(23).verbose(0).seed(9L));
      float[] predictions = m.predict(TEST, 17).values();
      double testLoss = m.evaluate(TEST, 19).get("loss");
      return new Run(
          h.get("loss"),
          h.get("accuracy"),
          m.getWeights().toArray(new float[0][]),
          predictions,
          testLoss);
    }
  }

  private static Sequential convNet(Backend backend) {
    return new Sequential(
        backend,
        3L,
        new Input(SIDE, SIDE, 1),
        new RandomFlip(),
        new Conv2D(4, 3, "relu"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dropout(0.3),
        new Dense(8, "relu"),
        new Dense(Quadrants.CLASSES, "softmax"));
  }

  private static Sequential batchNormNet(Backend backend) {
    return new Sequential(
        backend,
        3L,
        new Input(SIDE, SIDE, 1),
        new Conv2D(4, 3),
        new BatchNormalization(),
        new Flatten(),
        new Dense(Quadrants.CLASSES, "softmax"));
  }

  @Test
  void theBackendOffersOneLanePerThreadOnlyWhenAsked() {
    try (Backend with = open(true);
        Backend without = open(false)) {
      assertEquals(3, with.lanes().size());
      assertTrue(without.lanes().isEmpty());
      assertTrue(with.description().contains("3 lanes"), with.description());
    }
  }

  @Test
  void splitBatchesTrainAsWholeBatches() {
    Run split = train(true, LanesTest::convNet);
    Run whole = train(false, LanesTest::convNet);
    assertClose(whole, split);
    assertTrue(split.losses().get(2) < split.losses().get(0), "loss goes down: " + split.losses());
  }

  @Test
  void batchNormalizationTrainsOnWholeBatchesAndPredictsOnSlices() {
    assertClose(train(false, LanesTest::batchNormNet), train(true, LanesTest::batchNormNet));
  }

  private static void assertClose(Run want, Run got) {
    for (int e = 0; e < want.losses().size(); e++) {
      assertEquals(want.losses().get(e), got.losses().get(e), 1e-4, "loss of epoch " + e);
      assertEquals(
          want.accuracies().get(e), got.accuracies().get(e), 1e-9, "accuracy of epoch " + e);
    }
    for (int i = 0; i < want.weights().length; i++) {
      assertArrayEquals(want.weights()[i], got.weights()[i], 1e-3f, "weights " + i);
    }
    assertArrayEquals(want.predictions(), got.predictions(), 1e-4f, "predictions");
    assertEquals(want.testLoss(), got.testLoss(), 1e-4, "test loss");
  }
}
