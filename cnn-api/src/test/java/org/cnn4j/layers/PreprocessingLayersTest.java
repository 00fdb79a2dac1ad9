package org.cnn4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cnn4j.data.FillMode;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PreprocessingLayersTest {
  private final Backend backend = HostBackend.create();

  /** The 3x3 single-channel image 1..9, row by row. */
  private static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

  private Tensor input(Step step, Shape shape, float[] values, boolean requiresGrad) {
    Tensor x = step.allocate(shape, requiresGrad);
    backend.upload(values, 0, x.buffer(), 0, values.length);
    return x;
  }

  private float[] values(Tensor t) {
    float[] v = new float[(int) t.size()];
    backend.download(t.buffer(), 0, v, 0, v.length);
    return v;
  }

  private <L extends Layer> L built(L layer, int... sample) {
    layer.build(Shape.of(sample), backend, new SplittableRandom(0));
    return layer;
  }

  /** n copies of one image, as a batch. */
  private static float[] batchOf(int n, float[] image) {
    float[] all = new float[n * image.length];
    for (int i = 0; i < n; i++) System.arraycopy(image, 0, all, i * image.length, image.length);
    return all;
  }

  @Test
  void rescalingActsInTrainingAndInferenceAndScalesTheGradient() {
    var layer = built(new Rescaling(1 / 255.0, -1), 1, 2, 1);
    for (boolean training : new boolean[] {false, true}) {
      try (Step step = new Step(backend, training, 1)) {
        Tensor x = input(step, Shape.of(1, 1, 2, 1), new float[] {0, 255}, training);
        Tensor y = layer.forward(step, x);
        assertArrayEquals(new float[] {-1, 0}, values(y), 1e-6f);
        if (training) {
          step.backward(y, input(step, y.shape(), new float[] {255, 510}, false));
          assertArrayEquals(new float[] {1, 2}, values(x.grad()), 1e-5f);
        }
      }
    }
  }

  @Test
  void randomLayersAreTheIdentityInInference() {
    for (Layer layer :
        new Layer[] {
          new RandomFlip(),
          new RandomRotation(0.5),
          new RandomTranslation(0.3, 0.3),
          new RandomZoom(0.5)
        }) {
      built(layer, 3, 3, 1);
      try (Step step = new Step(backend, false, 1)) {
        Tensor x = input(step, Shape.of(1, 3, 3, 1), NINE, false);
        assertSame(x, layer.forward(step, x), layer::describe);
      }
    }
  }

  @Test
  void randomFlipHorizontalFlipsSomeSamplesAndLeavesTheOthers() {
    var layer = built(new RandomFlip("horizontal"), 2, 2, 1);
    float[] image = {1, 2, 3, 4};
    try (Step step = new Step(backend, true, 5)) {
      float[] out =
          values(
              layer.forward(step, input(step, Shape.of(32, 2, 2, 1), batchOf(32, image), false)));
      int flipped = 0;
      for (int b = 0; b < 32; b++) {
        float[] s = Arrays.copyOfRange(out, 4 * b, 4 * b + 4);
        if (Arrays.equals(s, new float[] {2, 1, 4, 3})) flipped++;
        else assertArrayEquals(image, s, "sample " + b);
      }
      assertTrue(flipped > 4 && flipped < 28, "about half flipped: " + flipped);
    }
  }

  @Test
  void randomRotationByAQuarterTurnTurnsCounterClockwise() {
    var layer = built(new RandomRotation(0.25, 0.25, FillMode.REFLECT, 0, 0), 3, 3, 1);
    try (Step step = new Step(backend, true, 1)) {
      float[] out = values(layer.forward(step, input(step, Shape.of(1, 3, 3, 1), NINE, false)));
      assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, out, 1e-5f);
    }
  }

  @Test
  void randomTranslationByAThirdShiftsOneRowDownAndOneColumnRight() {
    var layer =
        built(
            new RandomTranslation(
                new double[] {1 / 3.0, 1 / 3.0},
                new double[] {1 / 3.0, 1 / 3.0},
                FillMode.CONSTANT,
                -1,
                0),
            3,
            3,
            1);
    try (Step step = new Step(backend, true, 1)) {
      float[] out = values(layer.forward(step, input(step, Shape.of(1, 3, 3, 1), NINE, false)));
      assertArrayEquals(new float[] {-1, -1, -1, -1, 1, 2, -1, 4, 5}, out, 1e-5f);
    }
  }

  @Test
  void randomZoomOfAConstantImageIsConstantWithReflectFill() {
    var layer = built(new RandomZoom(0.5), 4, 4, 2);
    float[] image = new float[32];
    Arrays.fill(image, 3f);
    try (Step step = new Step(backend, true, 9)) {
      float[] out =
          values(layer.forward(step, input(step, Shape.of(4, 4, 4, 2), batchOf(4, image), false)));
      assertArrayEquals(batchOf(4, image), out, 1e-5f);
    }
  }

  @Test
  void randomZoomOutTwiceFillsTheBorderWithTheFillValue() {
    var layer = built(new RandomZoom(1, 1, null, FillMode.CONSTANT, 0, 0), 4, 4, 1);
    float[] image = new float[16];
    Arrays.fill(image, 5f);
    try (Step step = new Step(backend, true, 9)) {
      float[] out = values(layer.forward(step, input(step, Shape.of(1, 4, 4, 1), image, false)));
      assertArrayEquals(new float[] {0, 0, 0, 0, 0, 5, 5, 0, 0, 5, 5, 0, 0, 0, 0, 0}, out, 1e-5f);
    }
  }

  @Test
  void theSameStepSeedGivesTheSameAugmentation() {
    float[] first = rotated(7);
    assertArrayEquals(first, rotated(7));
    assertTrue(!Arrays.equals(first, rotated(8)), "another step, another draw");
  }

  private float[] rotated(long stepSeed) {
    var layer = built(new RandomRotation(0.2), 5, 5, 1);
    float[] image = new float[25];
    for (int i = 0; i < 25; i++) image[i] = i;
    try (Step step = new Step(backend, true, stepSeed)) {
      return values(
          layer.forward(step, input(step, Shape.of(2, 5, 5, 1), batchOf(2, image), false)));
    }
  }

  @Test
  void aRandomLayerAfterALayerWithParametersIsAnError() {
    var layer = built(new RandomFlip(), 2, 2, 1);
    try (Step step = new Step(backend, true, 1)) {
      var e =
          assertThrows(
              IllegalStateException.class,
              () -> layer.forward(step, input(step, Shape.of(1, 2, 2, 1), new float[4], true)));
      assertTrue(e.getMessage().contains("right after the Input"), e.getMessage());
    }
  }

  @Test
  void randomLayersNeedImages() {
    var e = assertThrows(IllegalArgumentException.class, () -> built(new RandomZoom(0.1), 10));
    assertTrue(e.getMessage().contains("random_zoom"), e.getMessage());
    assertEquals("random_flip", new RandomFlip().defaultNameStem());
  }
}
