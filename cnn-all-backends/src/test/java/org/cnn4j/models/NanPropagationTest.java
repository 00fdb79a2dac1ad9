package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A NaN weight makes the loss and the outputs it reaches NaN on every backend, as in Keras: an
 * activation such as ReLU passes NaN on, it never turns a broken model into a finite loss.
 */
class NanPropagationTest {
  private static LabeledImages data(int n) {
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[n * 64];
    float[] y = new float[n];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    for (int i = 0; i < n; i++) y[i] = r.nextInt(4);
    return new LabeledImages(x, y, n, 8, 8, 1);
  }

  private record Case(String name, List<Layer> layers) {}

  private static List<Case> cases() {
    return List.of(
        new Case(
            "conv relu",
            List.of(
                new Input(8, 8, 1),
                new Conv2D(4, 3, "relu"),
                new MaxPooling2D(2),
                new Flatten(),
                new Dense(4, "softmax"))),
        new Case(
            "conv leaky_relu",
            List.of(
                new Input(8, 8, 1),
                new Conv2D(4, 3, "leaky_relu"),
                new Flatten(),
                new Dense(4, "softmax"))),
        new Case(
            "dense relu",
            List.of(
                new Input(8, 8, 1), new Flatten(), new Dense(6, "relu"), new Dense(4, "softmax"))));
  }

  @TestFactory
  Stream<DynamicTest> aNanInTheFirstKernelMakesTheLossNan() {
    return Backends.providers().stream()
        .map(BackendProvider::id)
        .flatMap(
            id ->
                Stream.of(0, 1, 2)
                    .map(
                        k ->
                            DynamicTest.dynamicTest(
                                id + ": " + cases().get(k).name(), () -> check(id, k))));
  }

  private static void check(String id, int k) {
    BackendProvider p = Backends.provider(id).orElseThrow();
    assumeTrue(p.probe().available(), () -> id + " cannot run here: " + p.probe().reason());
    LabeledImages data = data(16);
    try (Backend backend = p.open(BackendConfig.defaults());
        Sequential m = new Sequential(backend, 1L, cases().get(k).layers().toArray(Layer[]::new))) {
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      List<float[]> w = m.getWeights();
      Arrays.fill(w.get(0), Float.NaN);
      m.setWeights(w);
      double loss = m.evaluate(data, 8).get("loss");
      assertTrue(Double.isNaN(loss), id + ": loss " + loss + " from a NaN kernel");
      float[] out = m.predict(data, 8).values();
      for (float v : out)
        assertTrue(Float.isNaN(v), id + ": prediction " + v + " from a NaN kernel");
    }
  }
}
