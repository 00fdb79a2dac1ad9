package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.conformance.Compare;
import org.cnn4j.conformance.Tolerance;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.data.Dataset;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A training step taken in parts ({@code computeGradients}, {@code getGradients}, {@code
 * applyGradients}), as training spread over machines takes it, is fit's step: bit for bit when the
 * parts are the whole batch, within float rounding when the batch is computed in halves and their
 * gradients added.
 */
class GradientStepTest {
  /** Weights after one Adam step whose gradient was summed in another order than fit's. */
  private static final Tolerance SUMMED = new Tolerance("SUMMED", 1e-6, 1e-5, 0);

  private static final int BATCH = 32;
  private static final int SIDE = 12;
  private static final long FIT_SEED = 7;

  private static Backend backend;

  @BeforeAll
  static void open() {
    backend =
        new CpuBackendProvider().open(new BackendConfig(Map.of("lanes", "true", "threads", "2")));
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void theWholeBatchInOnePartIsFitsStepBitForBit() {
    Dataset batch = samples(BATCH, 1);
    List<float[]> fitted;
    try (Model m = model()) {
      m.fit(batch, FitOptions.epochs(1).batchSize(BATCH).shuffle(false).verbose(0).seed(FIT_SEED));
      fitted = m.getWeights();
    }
    try (Model m = model()) {
      m.computeGradients(batch, 0, BATCH, FitOptions.stepSeed(FIT_SEED, 0, 0));
      m.applyGradients(m.getGradients());
      List<float[]> stepped = m.getWeights();
      for (int i = 0; i < fitted.size(); i++) {
        assertArrayEquals(fitted.get(i), stepped.get(i), "weight " + i);
      }
      assertEquals(1, m.optimizer().iterations());
    }
  }

  @Test
  void halvesOfTheBatchAddUpToFitsStep() {
    Dataset batch = samples(BATCH, 2);
    List<float[]> fitted;
    try (Model m = model()) {
      m.fit(batch, FitOptions.epochs(1).batchSize(BATCH).shuffle(false).verbose(0).seed(FIT_SEED));
      fitted = m.getWeights();
    }
    try (Model m = model()) {
      long seed = FitOptions.stepSeed(FIT_SEED, 0, 0);
      int half = BATCH / 2;
      m.computeGradients(rows(batch, 0, half), 0, BATCH, seed);
      List<float[]> sum = m.getGradients();
      m.computeGradients(rows(batch, half, BATCH), half, BATCH, seed);
      List<float[]> second = m.getGradients();
      for (int i = 0; i < sum.size(); i++) {
        for (int j = 0; j < sum.get(i).length; j++) sum.get(i)[j] += second.get(i)[j];
      }
      m.applyGradients(sum);
      List<float[]> stepped = m.getWeights();
      for (int i = 0; i < fitted.size(); i++) {
        Compare.close("weight " + i, stepped.get(i), fitted.get(i), SUMMED);
      }
    }
  }

  @Test
  void fitsShuffledOrderAndStepSeedsReproduceAnEpoch() {
    int count = 3 * BATCH;
    Dataset data = samples(count, 3);
    List<float[]> fitted;
    try (Model m = model()) {
      m.fit(data, FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(FIT_SEED));
      fitted = m.getWeights();
    }
    try (Model m = model()) {
      int[] order = FitOptions.shuffledOrder(FIT_SEED, 0, count);
      for (int step = 0; step < count / BATCH; step++) {
        Dataset batch = pick(data, order, step * BATCH, BATCH);
        m.computeGradients(batch, 0, BATCH, FitOptions.stepSeed(FIT_SEED, 0, step));
        m.applyGradients(m.getGradients());
      }
      List<float[]> stepped = m.getWeights();
      for (int i = 0; i < fitted.size(); i++) {
        assertArrayEquals(fitted.get(i), stepped.get(i), "weight " + i);
      }
    }
  }

  @Test
  void computeGradientsReturnsTheLossAndMetricsOfItsRows() {
    Dataset batch = samples(BATCH, 4);
    try (Model m = model()) {
      Map<String, Double> logs = m.computeGradients(batch, 0, BATCH, 1);
      assertEquals(List.of("loss", "accuracy"), new ArrayList<>(logs.keySet()));
      double loss = logs.get("loss");
      // Ten classes from a fresh initialisation: the loss is near ln 10.
      assertEquals(Math.log(10), loss, 0.5);
    }
  }

  @Test
  void rowsOutsideTheBatchAreRejected() {
    Dataset part = samples(8, 5);
    try (Model m = model()) {
      var e =
          assertThrows(IllegalArgumentException.class, () -> m.computeGradients(part, 28, 32, 0));
      assertEquals("rows [28, 36) are not rows of a batch of 32", e.getMessage());
    }
  }

  @Test
  void applyGradientsRejectsGradientsOfAnotherShape() {
    try (Model m = model()) {
      List<float[]> wrong = m.getGradients();
      wrong.set(0, new float[3]);
      var e = assertThrows(IllegalArgumentException.class, () -> m.applyGradients(wrong));
      assertEquals(
          "apply_gradients: conv2d/kernel of shape (3, 3, 1, 4) holds 36 values, got a gradient of 3",
          e.getMessage());
    }
  }

  /** The lesson's network in small, with dropout so the step seeds and row offsets matter. */
  private static Model model() {
    Sequential m =
        new Sequential(
            backend,
            42L,
            new Input(SIDE, SIDE, 1),
            new Conv2D(4, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dropout(0.25),
            new Dense(10, "softmax"));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    m.compile(new Adam(), new org.cnn4j.losses.SparseCategoricalCrossentropy(), "accuracy");
    return m;
  }

  private static ArrayDataset samples(int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[count * SIDE * SIDE];
    float[] y = new float[count];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    for (int i = 0; i < count; i++) y[i] = r.nextInt(10);
    return ArrayDataset.of(count).input(x, SIDE, SIDE, 1).target(y, 1);
  }

  private static Dataset rows(Dataset data, int from, int to) {
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    return pick(data, order, from, to - from);
  }

  private static Dataset pick(Dataset data, int[] order, int from, int count) {
    float[] x = new float[count * SIDE * SIDE];
    float[] y = new float[count];
    data.copyBatch(order, from, count, x, y);
    return ArrayDataset.of(count).input(x, SIDE, SIDE, 1).target(y, 1);
  }
}
