package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.LayerScale;
import org.cnn4j.layers.Normalization;
import org.cnn4j.layers.StochasticDepth;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The layers keras.applications brought, against Keras' own examples (the Normalization docstring)
 * and their definitions (one keep-or-drop draw per sample, a per-channel scale).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplicationLayersTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** The layer's output for {@code x} of {@code shape} (batch first). */
  private float[] forward(Layer layer, boolean training, float[] x, int... shape) {
    Shape full = Shape.of(shape);
    if (!layer.isBuilt()) layer.build(full.withoutBatch(), backend, new SplittableRandom(1));
    try (Step step = new Step(backend, training, 7L)) {
      Tensor t = step.allocate(full, false);
      backend.upload(x, 0, t.buffer(), 0, x.length);
      Tensor y = layer.forward(step, t);
      float[] out = new float[(int) y.size()];
      backend.download(y.buffer(), 0, out, 0, out.length);
      return out;
    }
  }

  @Test
  void normalizationAdaptedOverEverythingMatchesKerasExample() {
    try (Normalization n = new Normalization().axisNone()) {
      n.adapt(new float[] {1, 2, 3, 4, 5}, 5, 1);
      assertArrayEquals(
          new float[] {-1.4142135f, -0.70710677f, 0f},
          forward(n, false, new float[] {1, 2, 3}, 3, 1),
          1e-6f);
      float[] count = new float[1];
      backend.download(n.countWeight().value().buffer(), 0, count, 0, 1);
      assertEquals(5f, count[0]);
    }
  }

  @Test
  void normalizationAdaptedPerFeatureMatchesKerasExample() {
    float[] data = {0, 7, 4, 2, 9, 6, 0, 7, 4, 2, 9, 6};
    try (Normalization n = new Normalization().axis(-1)) {
      n.adapt(data, 4, 3);
      assertArrayEquals(
          new float[] {-1, -1, -1}, forward(n, false, new float[] {0, 7, 4}, 1, 3), 1e-6f);
      assertEquals(3, n.meanWeight().shape().size());
    }
    try (Normalization inverse = new Normalization().axis(-1).invert(true)) {
      inverse.adapt(data, 4, 3);
      assertArrayEquals(
          new float[] {2, 10, 8}, forward(inverse, false, new float[] {1, 2, 3}, 1, 3), 1e-5f);
    }
  }

  @Test
  void normalizationWithGivenStatisticsMatchesKerasExampleAndHoldsNoWeights() {
    try (Normalization n = new Normalization().mean(3.0).variance(2.0)) {
      assertArrayEquals(
          new float[] {-1.4142135f, -0.70710677f, 0f},
          forward(n, true, new float[] {1, 2, 3}, 3, 1),
          1e-6f);
      assertEquals(0, n.countParams());
      assertThrows(IllegalStateException.class, () -> n.adapt(new float[] {1, 2}, 2, 1));
    }
  }

  @Test
  void stochasticDepthKeepsOrDropsWholeSamples() {
    int batch = 64;
    int per = 2 * 2 * 3;
    float[] x = new float[batch * per];
    java.util.Arrays.fill(x, 1f);
    float[] y;
    try (StochasticDepth sd = new StochasticDepth(0.25)) {
      sd.name("sd");
      y = forward(sd, true, x, batch, 2, 2, 3);
      assertArrayEquals(x, forward(sd, false, x, batch, 2, 2, 3), "inference is the identity");
    }
    Set<Float> values = new HashSet<>();
    int dropped = 0;
    for (int s = 0; s < batch; s++) {
      for (int i = 1; i < per; i++) assertEquals(y[s * per], y[s * per + i], "sample " + s);
      values.add(y[s * per]);
      if (y[s * per] == 0f) dropped++;
    }
    assertEquals(Set.of(0f, 1f / 0.75f), values);
    assertTrue(dropped > 4 && dropped < 30, dropped + " of 64 dropped at rate 0.25");
  }

  @Test
  void dropoutWithANoiseShapeDrawsOncePerSample() {
    int batch = 32;
    float[] x = new float[batch * 3 * 3 * 2];
    java.util.Arrays.fill(x, 2f);
    try (Dropout d = new Dropout(0.5).noiseShape(null, 1, 1, 1)) {
      d.name("drop");
      float[] y = forward(d, true, x, batch, 3, 3, 2);
      for (int s = 0; s < batch; s++) {
        for (int i = 1; i < 18; i++) assertEquals(y[s * 18], y[s * 18 + i], "sample " + s);
        assertTrue(y[s * 18] == 0f || y[s * 18] == 4f, "0 or 2 / (1 - 0.5)");
      }
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new Dropout(0.5).noiseShape(null, 1, 1).build(Shape.of(3, 3, 2), backend, null));
  }

  @Test
  void layerScaleMultipliesEachChannel() {
    try (LayerScale ls = new LayerScale(0.5, 3)) {
      float[] y = forward(ls, true, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
      assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, y);
      assertEquals(3, ls.countTrainableParams());
    }
  }
}
