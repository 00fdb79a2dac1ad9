package org.cnn4j.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.io.Models;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.History;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.models.SmallModels;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.optimizers.schedules.PiecewiseConstantDecay;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each callback against Keras' documented semantics. A {@link Script} callback placed first sets
 * the monitored value of each epoch, so the tests decide when a quantity improves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbacksTest {
  private static final LabeledImages DATA = SmallModels.data(32, 4L);
  private Backend backend;
  private ByteArrayOutputStream printed;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private Sequential model() {
    Sequential m = SmallModels.model(backend, 2L);
    printed = new ByteArrayOutputStream();
    m.output(new PrintStream(printed, true, StandardCharsets.UTF_8));
    return m;
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  /** Puts {@code key} = values[epoch] into each epoch's logs, before the callbacks after it run. */
  private record Script(String key, double... values) implements Callback {
    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      logs.put(key, values[epoch]);
    }
  }

  /** The first weight array at the end of each epoch. */
  private static final class Weights implements Callback {
    final List<float[]> perEpoch = new ArrayList<>();
    Model model;

    @Override
    public void setModel(Model m) {
      model = m;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      perEpoch.add(model.getWeights().get(0));
    }
  }

  // ---------------------------------------------------------------- EarlyStopping

  @Test
  void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
    try (Sequential m = model()) {
      var stop = new EarlyStopping().monitor("val_loss").patience(2).verbose(1);
      History h =
          m.fit(
              DATA,
              SmallModels.quiet(10)
                  .callbacks(
                      new Script("val_loss", 1.0, 0.8, 0.9, 0.85, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2),
                      stop));
      assertEquals(4, h.epochs()); // best at epoch 2 (index 1); epochs 3 and 4 do not improve
      assertEquals(3, stop.stoppedEpoch());
      assertEquals("Epoch 4: early stopping\n", printed());
    }
  }

  @Test
  void earlyStoppingMinDeltaMustBeExceeded() {
    try (Sequential m = model()) {
      History h =
          m.fit(
              DATA,
              SmallModels.quiet(10)
                  .callbacks(
                      new Script("val_loss", 1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55),
                      new EarlyStopping().minDelta(0.1).patience(1)));
      assertEquals(2, h.epochs());
    }
  }

  @Test
  void earlyStoppingModeMaxAndAutoForAccuracy() {
    try (Sequential m = model()) {
      History h =
          m.fit(
              DATA,
              SmallModels.quiet(10)
                  .callbacks(
                      new Script("val_accuracy", 0.5, 0.6, 0.7, 0.65, 0.6, 0.9, 0.9, 0.9, 0.9, 0.9),
                      new EarlyStopping().monitor("val_accuracy").patience(2)));
      assertEquals(5, h.epochs());
    }
  }

  @Test
  void earlyStoppingRestoresTheBestEpochsWeights() {
    try (Sequential m = model()) {
      Weights w = new Weights();
      m.fit(
          DATA,
          SmallModels.quiet(6)
              .callbacks(
                  new Script("val_loss", 1.0, 0.5, 0.7, 0.8, 0.9, 1.0),
                  w,
                  new EarlyStopping().patience(2).restoreBestWeights(true).verbose(1)));
      assertEquals(4, w.perEpoch.size());
      assertArrayEquals(w.perEpoch.get(1), m.getWeights().get(0));
      assertFalse(java.util.Arrays.equals(w.perEpoch.get(3), m.getWeights().get(0)));
      assertEquals(
          "Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 2.\n",
          printed());
    }
  }

  @Test
  void earlyStoppingBaselineMustBeBeaten() {
    try (Sequential m = model()) {
      double[] values = {0.9, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85};
      // An improvement above the baseline does not reset the wait: epochs 1, 2, 3 count, epoch 3
      // stops.
      History h =
          m.fit(
              DATA,
              SmallModels.quiet(8)
                  .callbacks(
                      new Script("val_loss", values),
                      new EarlyStopping().baseline(0.5).patience(3)));
      assertEquals(3, h.epochs());
      History without =
          m.fit(
              DATA,
              SmallModels.quiet(8)
                  .callbacks(new Script("val_loss", values), new EarlyStopping().patience(3)));
      assertEquals(5, without.epochs());
    }
  }

  @Test
  void earlyStoppingWithAMissingMetricTrainsOn() {
    try (Sequential m = model()) {
      History h =
          m.fit(DATA, SmallModels.quiet(3).callbacks(new EarlyStopping().monitor("val_nothing")));
      assertEquals(3, h.epochs());
    }
  }

  // ---------------------------------------------------------------- ModelCheckpoint

  @Test
  void modelCheckpointFillsTheEpochAndLogsIntoThePath(@TempDir Path dir) throws Exception {
    try (Sequential m = model()) {
      m.fit(
          DATA,
          SmallModels.quiet(3)
              .callbacks(
                  new Script("val_loss", 0.5, 0.25, 0.125),
                  new ModelCheckpoint(dir + "/model-{epoch:02d}-{val_loss:.2f}.cnn4j").verbose(1)));
    }
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of("model-01-0.50.cnn4j", "model-02-0.25.cnn4j", "model-03-0.12.cnn4j"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertTrue(
        printed().contains("\nEpoch 2: saving model to " + dir + "/model-02-0.25.cnn4j\n"),
        printed());
    try (Model loaded = Models.load(dir.resolve("model-02-0.25.cnn4j"), backend)) {
      assertEquals(2, loaded.epochsTrained());
    }
  }

  @Test
  void modelCheckpointSaveBestOnlySavesOnImprovement(@TempDir Path dir) throws Exception {
    Weights w = new Weights();
    try (Sequential m = model()) {
      m.fit(
          DATA,
          SmallModels.quiet(4)
              .callbacks(
                  new Script("val_loss", 0.5, 0.6, 0.4, 0.45),
                  w,
                  new ModelCheckpoint(dir.resolve("best.cnn4j")).saveBestOnly(true).verbose(1)));
    }
    String p = dir.resolve("best.cnn4j").toString();
    assertEquals(
        "\nEpoch 1: val_loss improved from inf to 0.50000, saving model to "
            + p
            + "\n"
            + "\nEpoch 2: val_loss did not improve from 0.50000\n"
            + "\nEpoch 3: val_loss improved from 0.50000 to 0.40000, saving model to "
            + p
            + "\n"
            + "\nEpoch 4: val_loss did not improve from 0.40000\n",
        printed());
    try (Model best = Models.load(dir.resolve("best.cnn4j"), backend)) {
      assertEquals(3, best.epochsTrained());
      assertArrayEquals(w.perEpoch.get(2), best.getWeights().get(0));
    }
  }

  @Test
  void modelCheckpointWeightsOnly(@TempDir Path dir) throws Exception {
    try (Sequential m = model()) {
      m.fit(
          DATA,
          SmallModels.quiet(1)
              .callbacks(new ModelCheckpoint(dir.resolve("w.cnn4j")).saveWeightsOnly(true)));
      m.loadWeights(dir.resolve("w.cnn4j"));
    }
    assertThrows(java.io.IOException.class, () -> Models.load(dir.resolve("w.cnn4j"), backend));
  }

  // ---------------------------------------------------------------- ReduceLROnPlateau

  @Test
  void reduceLrOnPlateauMultipliesByFactorAfterPatienceThenCoolsDown() {
    try (Sequential m = model()) {
      List<Float> rates = new ArrayList<>();
      Callback record =
          new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
              rates.add(m.optimizer().learningRate());
            }
          };
      History h =
          m.fit(
              DATA,
              SmallModels.quiet(7)
                  .callbacks(
                      new Script("val_loss", 1, 1, 1, 1, 1, 1, 1),
                      new ReduceLROnPlateau().factor(0.5).patience(2).cooldown(1).verbose(1),
                      record));
      // Keras' order: epoch 1 sets the best; 2 and 3 wait -> reduce at 3; epoch 4 ends the cooldown
      // and (no longer in cooldown) waits; 5 waits -> reduce at 5; 6, 7 -> reduce at 7.
      assertEquals(List.of(0.01f, 0.01f, 0.005f, 0.005f, 0.0025f, 0.0025f, 0.00125f), rates);
      // The logs hold the rate each epoch ran with.
      assertEquals(
          List.of(
              (double) 0.01f,
              (double) 0.01f,
              (double) 0.01f,
              (double) 0.005f,
              (double) 0.005f,
              (double) 0.0025f,
              (double) 0.0025f),
          h.get("learning_rate"));
      assertTrue(
          printed()
              .contains(
                  "\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.004999999888241291.\n"),
          printed());
    }
  }

  @Test
  void reduceLrOnPlateauNeverGoesBelowMinLr() {
    try (Sequential m = model()) {
      m.fit(
          DATA,
          SmallModels.quiet(6)
              .callbacks(
                  new Script("val_loss", 1, 1, 1, 1, 1, 1),
                  new ReduceLROnPlateau().factor(0.1).patience(1).minLr(0.0005)));
      assertEquals(0.0005f, m.optimizer().learningRate());
    }
  }

  @Test
  void reduceLrOnPlateauRejectsAFactorOfOneOrMore() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau().factor(1.0));
    assertEquals(
        "ReduceLROnPlateau does not support a factor >= 1.0. Received factor=1.0", e.getMessage());
  }

  // ---------------------------------------------------------------- CSVLogger

  @Test
  void csvLoggerWritesSortedKeysPerEpochAndAppends(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("log.csv");
    try (Sequential m = model()) {
      m.fit(DATA, SmallModels.quiet(2).callbacks(new CSVLogger(csv)));
      m.fit(DATA, SmallModels.quiet(3).initialEpoch(2).callbacks(new CSVLogger(csv, ",", true)));
    }
    List<String> lines = Files.readAllLines(csv);
    assertEquals("epoch,accuracy,loss,val_accuracy,val_loss", lines.get(0));
    assertEquals(4, lines.size());
    for (int e = 0; e < 3; e++) {
      String[] cells = lines.get(e + 1).split(",");
      assertEquals(Integer.toString(e), cells[0]);
      Double.parseDouble(cells[1]);
      assertEquals("NA", cells[3]);
    }
  }

  // ---------------------------------------------------------------- LearningRateScheduler and
  // schedules

  @Test
  void learningRateSchedulerSetsTheRateAtEachEpochStart() {
    try (Sequential m = model()) {
      History h =
          m.fit(
              DATA,
              SmallModels.quiet(3)
                  .callbacks(
                      new LearningRateScheduler((epoch, lr) -> epoch < 1 ? lr : lr * 0.5)
                          .verbose(1)));
      assertEquals(
          List.of((double) 0.01f, (double) 0.005f, (double) 0.0025f), h.get("learning_rate"));
      assertTrue(
          printed()
              .contains(
                  "\nEpoch 2: LearningRateScheduler setting learning rate to 0.004999999888241291.\n"),
          printed());
    }
  }

  @Test
  void aScheduleSetsTheRateBeforeEachStepFromTheStepsDone() {
    try (Sequential m = SmallModels.model(backend, 2L)) {
      var schedule = new PiecewiseConstantDecay(new long[] {2}, new double[] {0.1, 0.01});
      m.compile(new Adam().learningRateSchedule(schedule), new SparseCategoricalCrossentropy());
      List<Float> rates = new ArrayList<>();
      m.fit(
          DATA,
          FitOptions.epochs(1)
              .batchSize(8)
              .verbose(0)
              .callbacks(
                  new Callback() {
                    @Override
                    public void onBatchEnd(int batch, Map<String, Double> logs) {
                      rates.add(m.optimizer().learningRate());
                    }
                  }));
      assertEquals(
          List.of(0.1f, 0.1f, 0.1f, 0.01f), rates); // steps done before each update: 0, 1, 2, 3
      assertThrows(IllegalStateException.class, () -> m.optimizer().learningRate(0.5f));
    }
  }

  // ---------------------------------------------------------------- TerminateOnNaN

  @Test
  void terminateOnNaNStopsAfterTheFirstBadBatch() {
    try (Sequential m = model()) {
      // A NaN weight, as a diverging run produces (fit refuses NaN inputs before they reach one).
      List<float[]> weights = m.getWeights();
      weights.get(0)[0] = Float.NaN;
      m.setWeights(weights);
      List<Integer> batches = new ArrayList<>();
      m.fit(
          DATA,
          FitOptions.epochs(3)
              .batchSize(8)
              .shuffle(false)
              .verbose(0)
              .callbacks(
                  new TerminateOnNaN(),
                  new Callback() {
                    @Override
                    public void onBatchEnd(int batch, Map<String, Double> logs) {
                      batches.add(batch);
                    }
                  }));
      assertEquals(List.of(0), batches);
      assertEquals("Batch 0: Invalid loss, terminating training\n", printed());
    }
  }
}
