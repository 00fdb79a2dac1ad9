package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.backends.Backends;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/** Mistakes a user makes get a message naming what is wrong, and leak nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private Backend backend;
  private long liveBefore;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  @BeforeEach
  void countBuffers() {
    liveBefore = backend.memoryStats().liveBuffers();
  }

  @AfterEach
  void nothingLeaked() {
    backend.synchronize();
    assertEquals(liveBefore, backend.memoryStats().liveBuffers(), "live buffers after the failure");
  }

  private static String message(Class<? extends Throwable> type, Executable bad) {
    return assertThrows(type, bad).getMessage();
  }

  private Sequential classifier() {
    Sequential m =
        new Sequential(
            backend,
            1L,
            new Input(8, 8, 1),
            new Flatten(),
            new Dense(Quadrants.CLASSES, "softmax"));
    m.output(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    return m;
  }

  @Test
  void fitWithTheWrongSampleShapeNamesTheModelInputAndBothShapes() {
    try (var m = classifier()) {
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      String msg =
          message(
              IllegalArgumentException.class,
              () -> m.fit(Quadrants.images(8, 10, 1L), FitOptions.epochs(1).verbose(0)));
      assertTrue(msg.contains("Input of model 'sequential'"), msg);
      assertTrue(msg.contains("(None, 10, 10, 1)"), msg);
      assertTrue(msg.contains("(None, 8, 8, 1)"), msg);
    }
  }

  @Test
  void denseAfterAnImageActsOnTheLastAxisAsKerasDoes() {
    try (Sequential m =
        new Sequential(backend, 1L, new Input(8, 8, 1), new Conv2D(2, 3), new Dense(4))) {
      assertEquals(org.cnn4j.tensor.Shape.of(6, 6, 4), m.outputShape());
      assertEquals(2 * 4 + 4, m.layers().get(1).countParams());
    }
  }

  @Test
  void convKernelLargerThanTheImageNamesTheLayer() {
    String msg =
        message(
            IllegalArgumentException.class,
            () ->
                new Sequential(backend, 1L, new Input(4, 4, 1), new Conv2D(2, 3), new Conv2D(2, 3))
                    .close());
    assertTrue(msg.contains("conv2d_1 (Conv2D)"), msg);
    assertTrue(msg.contains("(None, 2, 2, 2)"), msg);
  }

  @Test
  void modelWithoutInputSaysHowToStart() {
    String msg =
        message(
            IllegalArgumentException.class,
            () -> new Sequential(backend, 1L, new Dense(3)).close());
    assertTrue(msg.contains("Input"), msg);
  }

  @Test
  void unknownBackendListsTheBackendsPresent() {
    String msg =
        message(
            BackendException.class,
            () -> Backends.open("nosuch", BackendConfig.defaults()).close());
    assertTrue(msg.contains("nosuch"), msg);
    assertTrue(msg.contains("present: ") && msg.contains("cpu"), msg);
  }

  @Test
  void sparseLabelOutOfRangeIsAClearError() {
    LabeledImages data = Quadrants.images(8, 8, 1L);
    float[] labels = data.labels().clone();
    labels[5] = 7;
    LabeledImages bad = new LabeledImages(data.images(), labels, 8, 8, 8, 1);
    try (var m = classifier()) {
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      String msg =
          message(
              IllegalArgumentException.class, () -> m.fit(bad, FitOptions.epochs(1).verbose(0)));
      assertTrue(msg.contains("7"), msg);
      assertTrue(msg.contains("[0, 4)"), msg);
    }
  }

  @Test
  void categoricalLossGivenClassIndicesIsAClearError() {
    try (var m = classifier()) {
      m.compile("adam", "categorical_crossentropy", "accuracy");
      String msg =
          message(
              IllegalArgumentException.class,
              () -> m.fit(Quadrants.images(8, 8, 1L), FitOptions.epochs(1).verbose(0)));
      assertTrue(msg.contains("categorical_crossentropy"), msg);
      assertTrue(msg.contains("one-hot"), msg);
    }
  }

  @Test
  void fitBeforeCompileSaysToCompile() {
    try (var m = classifier()) {
      String msg =
          message(
              IllegalStateException.class,
              () -> m.fit(Quadrants.images(8, 8, 1L), FitOptions.epochs(1).verbose(0)));
      assertTrue(msg.contains("compile"), msg);
    }
  }

  @Test
  void unknownActivationListsTheNames() {
    String msg = message(IllegalArgumentException.class, () -> new Conv2D(2, 3, "gelux"));
    assertTrue(msg.contains("gelux") && msg.contains("relu") && msg.contains("hard_silu"), msg);
  }
}
