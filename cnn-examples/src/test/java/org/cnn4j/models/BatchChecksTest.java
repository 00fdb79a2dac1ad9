package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.cnn4j.data.Dataset;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * Every batch is checked as it is copied: a non-finite input or a label that is not a class index
 * fails fit, evaluate and predict naming the sample (its index in the data set) and the value, and
 * batch sizes that cannot work are refused with what to do instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchChecksTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    assertEquals(0, backend.memoryStats().liveBuffers(), "buffers left");
    backend.close();
  }

  private static String message(Class<? extends Throwable> type, Executable bad) {
    return assertThrows(type, bad).getMessage();
  }

  private static LabeledImages withInput(int sample, int index, float value) {
    LabeledImages data = SmallModels.data(100, 1L);
    float[] x = data.images().clone();
    x[sample * SmallModels.SIDE * SmallModels.SIDE + index] = value;
    return new LabeledImages(x, data.labels(), 100, SmallModels.SIDE, SmallModels.SIDE, 1);
  }

  private static LabeledImages withLabel(int sample, float value) {
    LabeledImages data = SmallModels.data(100, 1L);
    float[] y = data.labels().clone();
    y[sample] = value;
    return new LabeledImages(data.images(), y, 100, SmallModels.SIDE, SmallModels.SIDE, 1);
  }

  @Test
  void nanInAnImageFailsPredictNamingTheSample() {
    try (Sequential m = SmallModels.model(backend, 1L)) {
      String msg =
          message(
              IllegalArgumentException.class,
              () -> m.predict(withInput(37, 5, Float.NaN), 8).values());
      assertTrue(msg.contains("sample 37"), msg);
      assertTrue(msg.contains("NaN"), msg);
      assertTrue(msg.contains("prediction data"), msg);
    }
  }

  @Test
  void infinityInAnImageFailsEvaluateNamingTheSample() {
    try (Sequential m = SmallModels.model(backend, 1L)) {
      String msg =
          message(
              IllegalArgumentException.class,
              () -> m.evaluate(withInput(99, 63, Float.NEGATIVE_INFINITY), 16));
      assertTrue(msg.contains("sample 99"), msg);
      assertTrue(msg.contains("-Infinity"), msg);
    }
  }

  @Test
  void nanInShuffledTrainingDataNamesTheSampleNotItsPlaceInTheBatch() {
    try (Sequential m = SmallModels.model(backend, 1L)) {
      String msg =
          message(
              IllegalArgumentException.class,
              () -> m.fit(withInput(61, 0, Float.NaN), SmallModels.quiet(1)));
      assertTrue(msg.contains("training data, sample 61"), msg);
    }
  }

  @Test
  void nanInTheValidationSplitNamesTheSample() {
    try (Sequential m = SmallModels.model(backend, 1L)) {
      String msg =
          message(
              IllegalArgumentException.class,
              () ->
                  m.fit(
                      withInput(95, 0, Float.POSITIVE_INFINITY),
                      SmallModels.quiet(1).validationSplit(0.1)));
      assertTrue(msg.contains("sample 95"), msg);
    }
  }

  @Test
  void labelOutOfRangeFailsFitAndEvaluateNamingTheSampleAndTheValue() {
    try (Sequential m = SmallModels.model(backend, 1L)) {
      String msg =
          message(
              IllegalArgumentException.class, () -> m.fit(withLabel(42, 7), SmallModels.quiet(1)));
      assertTrue(msg.contains("sample 42"), msg);
      assertTrue(msg.contains("7"), msg);
      assertTrue(msg.contains("[0, 4)"), msg);
      msg = message(IllegalArgumentException.class, () -> m.evaluate(withLabel(3, -1), 8));
      assertTrue(msg.contains("sample 3") && msg.contains("-1"), msg);
      msg = message(IllegalArgumentException.class, () -> m.evaluate(withLabel(8, 1.5f), 8));
      assertTrue(msg.contains("sample 8") && msg.contains("1.5"), msg);
      msg = message(IllegalArgumentException.class, () -> m.evaluate(withLabel(9, Float.NaN), 8));
      assertTrue(msg.contains("sample 9") && msg.contains("NaN"), msg);
    }
  }

  @Test
  void predictIgnoresLabels() {
    try (Sequential m = SmallModels.model(backend, 1L)) {
      assertEquals(400, m.predict(withLabel(3, 99), 8).values().length);
    }
  }

  @Test
  void batchSizeBelowOneIsRefusedByEveryMethod() {
    LabeledImages data = SmallModels.data(10, 1L);
    try (Sequential m = SmallModels.model(backend, 1L)) {
      for (int bad : new int[] {0, -3}) {
        String msg = message(IllegalArgumentException.class, () -> m.predict(data, bad).values());
        assertTrue(msg.contains("batch_size must be >= 1, got " + bad), msg);
        msg = message(IllegalArgumentException.class, () -> m.evaluate(data, bad));
        assertTrue(msg.contains("batch_size must be >= 1, got " + bad), msg);
        msg = message(IllegalArgumentException.class, () -> FitOptions.epochs(1).batchSize(bad));
        assertTrue(msg.contains("batch_size must be >= 1, got " + bad), msg);
      }
    }
  }

  /** Samples of a large shape that are never read: for the size checks. */
  private static Dataset huge(int count, int side) {
    return new Dataset() {
      @Override
      public int size() {
        return count;
      }

      @Override
      public int[] sampleShape() {
        return new int[] {side, side, 3};
      }

      @Override
      public int labelSize() {
        return 1;
      }

      @Override
      public void copyBatch(int[] indices, int from, int batch, float[] x, float[] y) {}
    };
  }

  private Sequential wide(int side) {
    return new Sequential(backend, 1L, new Input(side, side, 3), new Flatten(), new Dense(2));
  }

  @Test
  void aBatchLargerThanAJavaArrayIsRefusedWithTheLargestThatFits() {
    try (Sequential m = wide(224)) {
      String msg =
          message(
              IllegalArgumentException.class, () -> m.predict(huge(20_000, 224), 20_000).values());
      assertTrue(msg.contains("20000 samples of shape (224, 224, 3)"), msg);
      assertTrue(msg.contains("batch size of at most 14266"), msg);
    }
  }

  @Test
  void aBatchLargerThanTheHeapIsRefusedSayingHowMuchAndWhatToDo() {
    long max = Runtime.getRuntime().maxMemory();
    int sample = 224 * 224 * 3;
    long batch = max / (4L * sample) + 10;
    assumeTrue(batch * sample < Integer.MAX_VALUE - 8, "the heap is larger than a Java array");
    int n = (int) batch;
    try (Sequential m = wide(224)) {
      Throwable t = assertThrows(Throwable.class, () -> m.predict(huge(n, 224), n).values());
      String msg = t.getMessage();
      assertTrue(
          t instanceof OutOfMemoryError || t instanceof IllegalArgumentException, t.toString());
      assertTrue(msg.contains(n + " samples of shape (224, 224, 3)"), msg);
      assertTrue(msg.contains("MiB"), msg);
      assertTrue(msg.contains("smaller batch size"), msg);
    }
  }
}
