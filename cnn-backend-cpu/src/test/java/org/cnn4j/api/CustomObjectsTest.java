package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.io.ModelConfig;
import org.cnn4j.io.Models;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.losses.Loss;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.metrics.Metric;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.History;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.ops.Ops;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.optimizers.SGD;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom layers, losses and metrics written by their forward alone with org.cnn4j.ops: they train
 * the lesson's network, their gradients match central differences, a custom backward wins over the
 * automatic one, sample and class weights act as Keras', and registered custom objects round-trip
 * through model files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomObjectsTest {
  private static final int SIDE = 8;
  private static final LabeledImages TRAIN = Quadrants.images(256, SIDE, 51L);
  private static final LabeledImages TEST = Quadrants.images(64, SIDE, 52L);

  /** x * sigmoid(x), by its forward alone. */
  static final class Swish extends Layer {
    @Override
    protected Shape computeOutputShape(Shape input) {
      return input;
    }

    @Override
    public Tensor forward(Step step, Tensor x) {
      return Ops.multiply(x, Ops.sigmoid(x));
    }
  }

  /** A learnable PReLU with one slope per channel: relu(x) - alpha * relu(-x). */
  static final class ChannelPReLU extends Layer {
    private Parameter alpha;

    @Override
    protected Shape computeOutputShape(Shape input) {
      return input;
    }

    @Override
    protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
      int c = input.dim(-1);
      float[] init = new float[c];
      java.util.Arrays.fill(init, 0.25f);
      alpha = addParameter(backend, "alpha", Shape.of(c), init, true);
    }

    @Override
    public Tensor forward(Step step, Tensor x) {
      Tensor a = step.param(alpha);
      return Ops.subtract(Ops.relu(x), Ops.multiply(a, Ops.relu(Ops.negative(x))));
    }
  }

  /** sign(x) forward, the identity backward (a straight-through estimator): its own backward. */
  static final class SignStraightThrough extends Layer {
    @Override
    protected Shape computeOutputShape(Shape input) {
      return input;
    }

    @Override
    public Tensor forward(Step step, Tensor x) {
      Tensor y = step.withoutTape(() -> Ops.sign(x));
      step.record(
          () -> {
            if (y.grad() != null) step.accumulateGrad(x, y.grad());
          });
      return y;
    }
  }

  /** Focal loss (Lin et al. 2017) on softmax outputs and class indices, gamma 2. */
  static final Loss FOCAL =
      Loss.of(
          "focal",
          (t, p) -> {
            Tensor q = Ops.clip(p, 1e-7, 1 - 1e-7);
            Tensor hot = Ops.oneHot(t, p.shape().dim(-1));
            Tensor weight = Ops.power(Ops.subtract(1.0, q), 2.0);
            return Ops.negative(Ops.sum(Ops.multiply(hot, Ops.multiply(weight, Ops.log(q))), -1));
          });

  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
    ModelConfig.registerLayer("Swish", args -> new Swish());
    ModelConfig.registerLayer("ChannelPReLU", args -> new ChannelPReLU());
    Loss.register("focal", FOCAL);
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private Sequential lessonWithCustomLayers(long seed) {
    return lessonWithCustomLayers(seed, false);
  }

  /** The lesson's network with a Swish after the convolution and a PReLU after the Dense. */
  private Sequential lessonWithCustomLayers(long seed, boolean smooth) {
    List<Layer> stack = new ArrayList<>();
    stack.add(new Input(SIDE, SIDE, 1));
    stack.add(new Conv2D(4, 3).padding("same"));
    stack.add(new Swish());
    // The gradient check's network is smooth: max pooling's choice and PReLU's kink can flip
    // between two finite-difference evaluations (the PReLU is checked on its own, away from 0).
    if (!smooth) stack.add(new MaxPooling2D(2));
    stack.add(new Flatten());
    stack.add(new Dense(8));
    stack.add(smooth ? new Swish() : new ChannelPReLU());
    stack.add(new Dense(Quadrants.CLASSES, "softmax"));
    Sequential m = new Sequential(backend, seed, stack.toArray(Layer[]::new));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    return m;
  }

  @Test
  void forwardOnlyLayersAndAFocalLossTrainTheLessonNetwork() {
    try (Sequential m = lessonWithCustomLayers(3L)) {
      Metric accuracy = Metric.of("accuracy");
      m.compile(new Adam(0.01), FOCAL, List.of(accuracy));
      History h = m.fit(TRAIN, FitOptions.epochs(8).batchSize(32).verbose(0));
      assertTrue(h.get("loss").get(7) < 0.3 * h.get("loss").get(0), h.get("loss").toString());
      assertTrue(h.get("accuracy").get(7) > 0.9, h.get("accuracy").toString());
      assertTrue(m.evaluate(TEST).get("accuracy") > 0.9);
      // The PReLU's slopes learned (they started at 0.25).
      float[] alpha = m.getWeights().get(4);
      assertTrue(java.util.Arrays.stream(toDouble(alpha)).anyMatch(a -> Math.abs(a - 0.25) > 1e-3));
    }
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }

  /** One SGD step at learning rate 1 on one batch moves each weight by minus its gradient. */
  @Test
  void customLayerAndLossGradientsMatchCentralDifferences() {
    LabeledImages batch = TRAIN.slice(0, 16);
    try (Sequential m = lessonWithCustomLayers(5L, true)) {
      m.compile(new SGD(1.0), FOCAL);
      List<float[]> before = m.getWeights();
      m.fit(batch, FitOptions.epochs(1).batchSize(16).shuffle(false).verbose(0));
      List<float[]> after = m.getWeights();
      List<Parameter> params = m.parameters();
      SplittableRandom pick = new SplittableRandom(2);
      for (int p = 0; p < params.size(); p++) {
        for (int k = 0; k < 4; k++) {
          int i = pick.nextInt(before.get(p).length);
          double analytic = before.get(p)[i] - after.get(p)[i];
          double numeric = numeric(m, batch, before, p, i, 2e-3);
          assertEquals(
              numeric,
              analytic,
              2e-3 + 3e-2 * Math.abs(numeric),
              params.get(p).name() + "[" + i + "]");
        }
      }
    }
  }

  private static double numeric(
      Model m, LabeledImages data, List<float[]> weights, int p, int i, double eps) {
    List<float[]> w = new ArrayList<>();
    for (float[] a : weights) w.add(a.clone());
    w.get(p)[i] = (float) (weights.get(p)[i] + eps);
    m.setWeights(w);
    double plus = m.evaluate(data, 16).get("loss");
    w.get(p)[i] = (float) (weights.get(p)[i] - eps);
    m.setWeights(w);
    double minus = m.evaluate(data, 16).get("loss");
    return (plus - minus) / (2 * eps);
  }

  @Test
  void thePReLUsGradientsMatchCentralDifferencesAwayFromItsKink() {
    ChannelPReLU layer = new ChannelPReLU();
    layer.build(Shape.of(3), backend, new SplittableRandom(1));
    float[] x = {-1.5f, 0.7f, -0.3f, 2.0f, -0.8f, 0.4f};
    float[] w = {0.3f, -1.1f, 0.9f, 0.5f, -0.2f, 1.3f};
    float[] dx = new float[6];
    float[] dAlpha = new float[3];
    try (Step step = new Step(backend, true, 1)) {
      Tensor xt = step.allocate(Shape.of(2, 3));
      backend.upload(x, 0, xt.buffer(), 0, 6);
      Tensor y = layer.forward(step, xt);
      Tensor dy = step.allocate(Shape.of(2, 3), false);
      backend.upload(w, 0, dy.buffer(), 0, 6);
      step.backward(y, dy);
      backend.download(xt.grad().buffer(), 0, dx, 0, 6);
      backend.download(layer.parameters().get(0).gradient().buffer(), 0, dAlpha, 0, 3);
    }
    // y = x for x > 0, alpha * x otherwise (alpha 0.25): dL/dx and dL/dalpha by hand.
    for (int i = 0; i < 6; i++) assertEquals(w[i] * (x[i] > 0 ? 1 : 0.25), dx[i], 1e-6);
    for (int c = 0; c < 3; c++) {
      double want = 0;
      for (int r = 0; r < 2; r++) if (x[r * 3 + c] < 0) want += w[r * 3 + c] * x[r * 3 + c];
      assertEquals(want, dAlpha[c], 1e-6);
    }
    layer.close();
  }

  @Test
  void aLayerThatRecordsItsOwnBackwardWinsOverTheOps() {
    SignStraightThrough layer = new SignStraightThrough();
    layer.build(Shape.of(5), backend, new SplittableRandom(1));
    try (Step step = new Step(backend, true, 1)) {
      Tensor x = step.allocate(Shape.of(1, 5));
      backend.upload(new float[] {-2, -0.5f, 0.25f, 1, 3}, 0, x.buffer(), 0, 5);
      Tensor y = layer.forward(step, x);
      float[] out = new float[5];
      backend.download(y.buffer(), 0, out, 0, 5);
      assertArrayEquals(new float[] {-1, -1, 1, 1, 1}, out);
      Tensor dy = step.allocate(Shape.of(1, 5), false);
      backend.upload(new float[] {1, 2, 3, 4, 5}, 0, dy.buffer(), 0, 5);
      step.backward(y, dy);
      float[] dx = new float[5];
      backend.download(x.grad().buffer(), 0, dx, 0, 5);
      // sign's own derivative is 0; the layer's straight-through backward passes dy on.
      assertArrayEquals(new float[] {1, 2, 3, 4, 5}, dx);
    }
  }

  @Test
  void sampleAndClassWeightsScaleEachSamplesLossAsKeras() {
    LabeledImages batch = TRAIN.slice(0, 8);
    float[] sw = {0, 1, 2, 0.5f, 1, 1, 3, 0};
    try (Sequential m = lessonWithCustomLayers(7L)) {
      m.compile(new SGD(0.0), new SparseCategoricalCrossentropy());
      List<float[]> w0 = m.getWeights();
      // Per-sample losses from evaluating each sample alone.
      double[] each = new double[8];
      for (int i = 0; i < 8; i++) each[i] = m.evaluate(batch.slice(i, i + 1), 1).get("loss");
      double weighted = 0;
      double classWeighted = 0;
      for (int i = 0; i < 8; i++) {
        weighted += sw[i] * each[i];
        classWeighted += (batch.labels()[i] == 2 ? 4.0 : 1.0) * each[i];
      }
      History h =
          m.fit(
              batch, FitOptions.epochs(1).batchSize(8).shuffle(false).verbose(0).sampleWeights(sw));
      assertEquals(weighted / 8, h.get("loss").get(0), 1e-5, "sum of weighted losses over 8");
      m.setWeights(w0);
      History c =
          m.fit(
              batch,
              FitOptions.epochs(1)
                  .batchSize(8)
                  .shuffle(false)
                  .verbose(0)
                  .classWeight(Map.of(2, 4.0)));
      assertEquals(classWeighted / 8, c.get("loss").get(0), 1e-5);
    }
  }

  @Test
  void registeredCustomObjectsRoundTripThroughModelFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("custom.cnn4j");
    float[] before;
    try (Sequential m = lessonWithCustomLayers(9L)) {
      m.compile(new Adam(0.01), FOCAL, List.of(Metric.of("accuracy")));
      m.fit(TRAIN, FitOptions.epochs(1).batchSize(32).verbose(0));
      before = m.predict(TEST).values();
      m.save(file);
    }
    try (Model loaded = Models.load(file, backend)) {
      assertArrayEquals(before, loaded.predict(TEST).values());
      assertEquals("focal", loaded.loss().name());
      assertTrue(loaded.getLayer("channel_pre_lu") instanceof ChannelPReLU);
      loaded.fit(TRAIN, FitOptions.epochs(2).initialEpoch(1).batchSize(32).verbose(0));
    }
  }
}
