package org.cnn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.cnn4j.backends.Backends;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files Keras 3 wrote (make_fixtures.py) give the outputs Keras computed for them: every weight is
 * in its place, in every format, channels_first and Keras 1 files converted.
 */
class KerasOutputsTest {
  /** float32 against float32: sums of a few hundred products. */
  static final float TOLERANCE = 2e-5f;

  static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.open();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  record Case(String file, String expected) {
    @Override
    public String toString() {
      return file;
    }
  }

  static Stream<Case> files() {
    return Stream.of(
        new Case("k3_sequential.keras", "k3_sequential"),
        new Case("k3_sequential_legacy.h5", "k3_sequential"),
        new Case("k3_functional.keras", "k3_functional"),
        new Case("k3_functional_legacy.h5", "k3_functional"),
        new Case("k3_channels_first.keras", "k3_channels_first"),
        new Case("k3_channels_first_legacy.h5", "k3_channels_first"),
        new Case("keras1_theano_th.h5", "keras1_theano_th"),
        new Case("keras1_functional_merge.h5", "keras1_functional_merge"));
  }

  @ParameterizedTest
  @MethodSource("files")
  void outputsEqualKeras(Case c) throws Exception {
    Fixtures.Expected e = Fixtures.Expected.of(c.expected());
    try (Model model = KerasModels.load(Fixtures.resource(c.file()), backend)) {
      assertEquals(e.params(), model.countParams());
      float[] y = e.predict(model);
      float diff = Fixtures.maxAbsDiff(e.outputs().get(0), y);
      assertTrue(diff < TOLERANCE, c.file() + ": max |cnn4j - Keras| = " + diff);
    }
  }

  @Test
  void aWeightsFileLoadsIntoTheModel() throws Exception {
    Fixtures.Expected e = Fixtures.Expected.of("k3_sequential");
    try (Model model = KerasModels.load(Fixtures.resource("k3_sequential.keras"), backend)) {
      java.util.List<float[]> original = model.getWeights();
      java.util.List<float[]> zeros = original.stream().map(w -> new float[w.length]).toList();
      model.setWeights(zeros);
      model.loadWeights(Fixtures.resource("k3_sequential.weights.h5"));
      assertTrue(Fixtures.maxAbsDiff(e.outputs().get(0), e.predict(model)) < TOLERANCE);
      model.setWeights(zeros);
      KerasModels.loadWeights(model, Fixtures.resource("k3_sequential_legacy.h5"));
      assertTrue(Fixtures.maxAbsDiff(e.outputs().get(0), e.predict(model)) < TOLERANCE);
      model.setWeights(zeros);
      KerasModels.loadWeights(model, Fixtures.resource("legacy_weights_only.h5"));
      assertTrue(Fixtures.maxAbsDiff(e.outputs().get(0), e.predict(model)) < TOLERANCE);
    }
  }

  @Test
  void aWeightsOnlyFileIsNotAModel() {
    org.cnn4j.io.ModelFileException ex =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.cnn4j.io.ModelFileException.class,
            () -> KerasModels.load(Fixtures.resource("legacy_weights_only.h5"), backend));
    assertTrue(ex.getMessage().contains("holds weights only"), ex.getMessage());
  }

  @Test
  void theTrainingConfigIsRestored() throws Exception {
    try (Model model = KerasModels.load(Fixtures.resource("k3_sequential.keras"), backend)) {
      assertEquals("adam", model.optimizer().config().get("name"));
      assertEquals(
          0.002, ((Number) model.optimizer().config().get("learning_rate")).doubleValue(), 1e-6);
      assertEquals("sparse_categorical_crossentropy", model.loss().name());
      assertEquals(java.util.List.of("accuracy"), model.metricNames());
    }
    try (Model model = KerasModels.load(Fixtures.resource("keras1_theano_th.h5"), backend)) {
      assertEquals("sgd", model.optimizer().config().get("name"));
      assertEquals(0.9, ((Number) model.optimizer().config().get("momentum")).doubleValue(), 1e-6);
      assertEquals("categorical_crossentropy", model.loss().name());
    }
  }
}
