package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Labels of a 10-class data set given to a 5-class model fail fit and evaluate on every backend
 * with the same message, naming the sample and the label: the API checks them, not the backend.
 */
class LabelCheckTest {
  @TestFactory
  Stream<DynamicTest> labelsOutOfRangeFailOnEveryBackend() {
    return Backends.providers().stream().map(p -> DynamicTest.dynamicTest(p.id(), () -> check(p)));
  }

  private static void check(BackendProvider p) {
    assumeTrue(p.probe().available(), () -> p.id() + " cannot run here: " + p.probe().reason());
    SplittableRandom r = new SplittableRandom(3);
    int n = 64;
    float[] x = new float[n * 16];
    float[] y = new float[n];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    for (int i = 0; i < n; i++) y[i] = i % 10;
    LabeledImages tenClasses = new LabeledImages(x, y, n, 4, 4, 1);
    try (Backend backend = p.open(BackendConfig.defaults());
        Sequential m =
            new Sequential(
                backend, 1L, new Input(4, 4, 1), new Flatten(), new Dense(5, "softmax"))) {
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      String msg =
          assertThrows(
                  IllegalArgumentException.class,
                  () ->
                      m.fit(
                          tenClasses, FitOptions.epochs(1).batchSize(16).shuffle(false).verbose(0)))
              .getMessage();
      assertTrue(
          msg.contains("training data, sample 5: label 5 is not a class index in [0, 5)"), msg);
      msg =
          assertThrows(IllegalArgumentException.class, () -> m.evaluate(tenClasses, 16))
              .getMessage();
      assertTrue(msg.contains("evaluation data, sample 5: label 5"), msg);
    }
  }
}
