package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.io.Models;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Training resumed from a saved model continues exactly as a run that never stopped. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeTest {
  private static final LabeledImages TRAIN = SmallModels.data(200, 3L);
  private Backend backend;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /**
   * Records the running loss after every batch of every epoch: equal running means are equal step
   * losses.
   */
  private static final class BatchLosses implements Callback {
    final List<List<Double>> perEpoch = new ArrayList<>();

    @Override
    public void onEpochBegin(int epoch) {
      perEpoch.add(new ArrayList<>());
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
      perEpoch.get(perEpoch.size() - 1).add(logs.get("loss"));
    }
  }

  @Test
  void resumingAtEpochThreeGivesTheLossesOfAnUninterruptedRun(@TempDir Path dir) throws Exception {
    BatchLosses straight = new BatchLosses();
    History full;
    float[] straightWeights;
    try (Sequential m = SmallModels.model(backend, 11L)) {
      full = m.fit(TRAIN, SmallModels.quiet(3).callbacks(straight));
      straightWeights = m.getWeights().get(0);
    }
    Path checkpoint = dir.resolve("ckpt.cnn4j");
    try (Sequential m = SmallModels.model(backend, 11L)) {
      m.fit(TRAIN, SmallModels.quiet(2));
      m.save(checkpoint);
    }
    BatchLosses resumed = new BatchLosses();
    History rest;
    try (Model m = Models.load(checkpoint, backend)) {
      m.output(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      assertEquals(2, m.epochsTrained());
      assertEquals(2L * 13, m.optimizer().iterations());
      rest = m.fit(TRAIN, SmallModels.quiet(3).initialEpoch(m.epochsTrained()).callbacks(resumed));
      assertArrayEquals(straightWeights, m.getWeights().get(0));
    }
    assertEquals(1, rest.epochs());
    assertEquals(straight.perEpoch.get(2), resumed.perEpoch.get(0));
    assertEquals(full.get("loss").get(2), rest.get("loss").get(0));
    assertEquals(full.get("accuracy").get(2), rest.get("accuracy").get(0));
  }

  @Test
  void theSameSeedGivesTheSameRunAndEpochsShuffleDifferently() {
    BatchLosses a = new BatchLosses();
    BatchLosses b = new BatchLosses();
    try (Sequential m = SmallModels.model(backend, 5L)) {
      m.fit(TRAIN, SmallModels.quiet(2).callbacks(a));
    }
    try (Sequential m = SmallModels.model(backend, 5L)) {
      m.fit(TRAIN, SmallModels.quiet(2).callbacks(b));
    }
    assertEquals(a.perEpoch, b.perEpoch);
  }
}
