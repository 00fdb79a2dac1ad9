package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.io.Models;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.losses.Loss;
import org.cnn4j.losses.MeanSquaredError;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.History;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.optimizers.SGD;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Functional models on the CPU backend: two inputs and two outputs, a shared layer, a residual Add
 * and a Concatenate train, with gradients equal to finite differences; freezing; a feature
 * extractor and a replaced head; nested models; save and load.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionalModelTest {
  private static final int SIDE = 8;
  private static final int COUNT = 128;
  private static final LabeledImages IMAGES = Quadrants.images(COUNT, SIDE, 31L);
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** Side features: 4 values whose mean is the second target. */
  private static float[] meta(int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] m = new float[count * 4];
    for (int i = 0; i < m.length; i++) m[i] = (float) r.nextDouble(-1, 1);
    return m;
  }

  private static float[] meanOfRows(float[] m, int cols) {
    float[] out = new float[m.length / cols];
    for (int i = 0; i < out.length; i++) {
      float s = 0;
      for (int j = 0; j < cols; j++) s += m[i * cols + j];
      out[i] = s / cols;
    }
    return out;
  }

  private static ArrayDataset data(int count, long seed, String activation) {
    LabeledImages img = Quadrants.images(count, SIDE, seed);
    float[] meta = meta(count, seed + 1);
    return ArrayDataset.of(count)
        .input(img.images(), SIDE, SIDE, 1)
        .input(meta, 4)
        .target(img.labels(), 1)
        .target(meanOfRows(meta, 4), 1);
  }

  /**
   * Image -> conv -> conv, residual Add, ReLU, global pooling; meta -> Dense; one Dense shared by
   * both branches; Concatenate; a softmax "class" head and a linear "score" head.
   */
  private Functional twoInTwoOut(String act, long seed) {
    SymbolicTensor image = Input.of("image", SIDE, SIDE, 1);
    SymbolicTensor meta = Input.of("meta", 4);
    SymbolicTensor x = new Conv2D(4, 3).padding("same").activation(act).apply(image);
    SymbolicTensor y = new Conv2D(4, 3).padding("same").apply(x);
    SymbolicTensor r = new Activation(act).apply(new Add().apply(x, y));
    SymbolicTensor f = new Dense(4).apply(new Flatten().apply(r));
    SymbolicTensor m = new Dense(4, act).apply(meta);
    Dense shared = new Dense(4, "tanh");
    shared.name("shared");
    SymbolicTensor both = new Concatenate().apply(shared.apply(f), shared.apply(m));
    Layer classHead = new Dense(Quadrants.CLASSES, "softmax").name("class");
    Layer scoreHead = new Dense(1).name("score");
    Functional model =
        new Functional(
            backend,
            seed,
            List.of(image, meta),
            List.of(classHead.apply(both), scoreHead.apply(both)));
    model.output(QUIET);
    return model;
  }

  private static void compileTwoHeads(Model model, org.cnn4j.optimizers.Optimizer opt) {
    model.compile(
        opt,
        Map.<String, Loss>of(
            "class", new SparseCategoricalCrossentropy(), "score", new MeanSquaredError()),
        Map.of("class", 1.0, "score", 0.5),
        Map.of("class", List.of("accuracy")));
  }

  @Test
  void twoInputsTwoOutputsSharedLayerResidualAndConcatenateTrain() {
    try (Functional model = twoInTwoOut("relu", 3L)) {
      compileTwoHeads(model, new Adam(0.01));
      History h =
          model.fit(data(COUNT, 41L, "relu"), FitOptions.epochs(12).batchSize(16).verbose(0));
      assertEquals(
          List.of("loss", "class_loss", "score_loss", "class_accuracy"),
          List.copyOf(h.history().keySet()));
      List<Double> loss = h.get("loss");
      assertTrue(loss.get(11) < 0.5 * loss.get(0), "loss per epoch " + loss);
      assertTrue(h.get("class_accuracy").get(11) > 0.8, "accuracy " + h.get("class_accuracy"));
      // The total is the weighted sum of the outputs' losses.
      for (int e = 0; e < 12; e++) {
        assertEquals(
            h.get("class_loss").get(e) + 0.5 * h.get("score_loss").get(e), loss.get(e), 1e-5);
      }
      Map<String, Double> test = model.evaluate(data(64, 99L, "relu"), 16);
      assertTrue(test.get("class_accuracy") > 0.8, "test " + test);
    }
  }

  @Test
  void aSharedLayerHasOneSetOfWeightsAndTwoCalls() {
    try (Functional model = twoInTwoOut("relu", 3L)) {
      Layer shared = model.getLayer("shared");
      assertEquals(2, shared.nodes().size());
      long sharedParams =
          model.parameters().stream().filter(p -> p.name().startsWith("shared/")).count();
      assertEquals(2, sharedParams, "kernel and bias once");
      // conv 40, conv 148, dense(flat) 256 * 4 + 4, dense(meta) 20, shared 20, class 36, score 9
      assertEquals(40 + 148 + 1028 + 20 + 20 + 36 + 9, model.countParams());
    }
  }

  /**
   * One SGD step with learning rate 1 on one whole-data batch moves each weight by minus its
   * gradient; that gradient must match central differences of the loss (smooth activations, so no
   * kink sits between the two evaluations).
   */
  @Test
  void gradientsMatchFiniteDifferences() {
    ArrayDataset d = data(24, 5L, "tanh");
    try (Functional model = twoInTwoOut("tanh", 7L)) {
      compileTwoHeads(model, new SGD(1.0));
      assertTrue(sgdStepMatchesFiniteDifferences(model, d, 1L) >= 30);
    }
  }

  /**
   * A residual block as ResNet's: BatchNormalization then an activation the model runs in place
   * over the normalized output, a BatchNormalization output only the Add reads (freed after the
   * forward), the sum overwritten by an ELU. Gradients still equal finite differences. (The
   * normalizations are frozen so that training and evaluation compute the same function.)
   */
  @Test
  void aResidualBlockWithActivationsInPlaceHasFiniteDifferenceGradients() {
    ArrayDataset d = data(24, 5L, "tanh");
    SymbolicTensor image = Input.of("image", SIDE, SIDE, 1);
    SymbolicTensor meta = Input.of("meta", 4);
    SymbolicTensor a =
        new Activation("tanh")
            .apply(
                new BatchNormalization()
                    .trainable(false)
                    .apply(new Conv2D(4, 3).padding("same").apply(image)));
    SymbolicTensor b =
        new BatchNormalization().trainable(false).apply(new Conv2D(4, 3).padding("same").apply(a));
    SymbolicTensor r = new org.cnn4j.layers.ELU().apply(new Add().apply(a, b));
    SymbolicTensor m = new Dense(4, "tanh").apply(meta);
    SymbolicTensor both = new Concatenate().apply(new Dense(4).apply(new Flatten().apply(r)), m);
    try (Functional model =
        new Functional(
            backend,
            3L,
            List.of(image, meta),
            List.of(
                new Dense(Quadrants.CLASSES, "softmax").name("class").apply(both),
                new Dense(1).name("score").apply(both)))) {
      model.output(QUIET);
      compileTwoHeads(model, new SGD(1.0));
      int checked = sgdStepMatchesFiniteDifferences(model, d, 2L);
      assertTrue(checked >= 24, "checked " + checked);
    }
  }

  /**
   * One SGD step of rate 1 on the whole of {@code d}: for three entries of each trainable weight
   * (picked with {@code seed}), the step equals the loss's central finite difference. Returns how
   * many entries were checked.
   */
  private static int sgdStepMatchesFiniteDifferences(Model model, ArrayDataset d, long seed) {
    List<float[]> before = model.getWeights();
    model.fit(d, FitOptions.epochs(1).batchSize(d.size()).shuffle(false).verbose(0));
    List<float[]> after = model.getWeights();
    List<Parameter> params = model.parameters();
    SplittableRandom pick = new SplittableRandom(seed);
    int checked = 0;
    for (int p = 0; p < params.size(); p++) {
      if (!model.trainableParameters().contains(params.get(p))) continue; // the frozen ones
      for (int k = 0; k < 3; k++) {
        int i = pick.nextInt(before.get(p).length);
        double analytic = before.get(p)[i] - after.get(p)[i];
        double numeric = numericGradient(model, d, before, p, i, 1e-2);
        assertEquals(
            numeric,
            analytic,
            2e-3 + 3e-2 * Math.abs(numeric),
            params.get(p).name() + "[" + i + "]");
        checked++;
      }
    }
    return checked;
  }

  private static double numericGradient(
      Model model, ArrayDataset d, List<float[]> weights, int p, int i, double eps) {
    List<float[]> w = new ArrayList<>();
    for (float[] a : weights) w.add(a.clone());
    w.get(p)[i] = (float) (weights.get(p)[i] + eps);
    model.setWeights(w);
    double plus = model.evaluate(d, 24).get("loss");
    w.get(p)[i] = (float) (weights.get(p)[i] - eps);
    model.setWeights(w);
    double minus = model.evaluate(d, 24).get("loss");
    return (plus - minus) / (2 * eps);
  }

  private Sequential base() {
    Sequential base =
        new Sequential(
            backend,
            11L,
            new Input(SIDE, SIDE, 1),
            new Conv2D(4, 3, "relu"),
            new BatchNormalization(),
            new Flatten(),
            new Dense(6, "relu").name("hidden"),
            new Dense(Quadrants.CLASSES, "softmax"));
    base.output(QUIET);
    return base;
  }

  @Test
  void aFrozenLayerKeepsItsWeightsBitForBitAndFrozenBatchNormKeepsItsStatistics() {
    try (Sequential model = base()) {
      model.getLayer("conv2d").trainable(false);
      model.getLayer("batch_normalization").trainable(false);
      List<float[]> before = model.getWeights();
      model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
      model.fit(IMAGES, FitOptions.epochs(2).batchSize(16).verbose(0));
      List<float[]> after = model.getWeights();
      // conv kernel, bias; BN gamma, beta, moving mean, moving variance: unchanged to the bit.
      for (int i = 0; i < 6; i++) assertArrayEquals(before.get(i), after.get(i), "weight " + i);
      assertFalse(java.util.Arrays.equals(before.get(6), after.get(6)), "the hidden Dense trains");
      // 40 + 16 frozen, BN's moving statistics never train: Keras' summary counts.
      long total = model.countParams();
      assertEquals(total - 40 - 16, model.countTrainableParams());
    }
  }

  /**
   * Keras 3's rules: a frozen model trains nothing, even a sublayer unfrozen afterwards (the
   * model's own flag wins); to train one layer, unfreeze the model and freeze the others.
   */
  @Test
  void aFrozenModelTrainsNothingAndOneLayerTrainsWhenTheOthersAreFrozen() {
    try (Sequential model = base()) {
      model.trainable(false);
      model.getLayer("hidden").trainable(true);
      assertEquals(0, model.countTrainableParams());
      List<float[]> before = model.getWeights();
      model.compile(new Adam(0.01), new SparseCategoricalCrossentropy());
      model.fit(IMAGES, FitOptions.epochs(1).batchSize(32).verbose(0));
      List<float[]> after = model.getWeights();
      for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), after.get(i));

      model.trainable(true);
      for (Layer l : model.layers()) l.trainable(l.name().equals("hidden"));
      assertEquals(model.getLayer("hidden").countParams(), model.countTrainableParams());
      model.fit(IMAGES, FitOptions.epochs(1).batchSize(32).verbose(0));
      List<float[]> last = model.getWeights();
      for (int i : new int[] {0, 1, 2, 3, 4, 5, 8, 9}) {
        assertArrayEquals(after.get(i), last.get(i), "weight " + i);
      }
      assertFalse(java.util.Arrays.equals(after.get(6), last.get(6)), "the unfrozen layer trains");
    }
  }

  @Test
  void aFeatureExtractorComputesTheBaseModelsInnerActivationWithItsWeights() {
    try (Sequential base = base()) {
      base.compile(new Adam(0.01), new SparseCategoricalCrossentropy());
      base.fit(IMAGES, FitOptions.epochs(1).batchSize(32).verbose(0));
      try (Functional features =
          new Functional(base.inputs(), List.of(base.getLayer("hidden").output()))) {
        float[] got = features.predict(IMAGES).values();
        float[] want = hiddenOnHost(base, IMAGES);
        assertArrayEquals(want, got, 1e-4f);
        // It shares the weights: training the base moves the extractor's output with it.
        base.fit(IMAGES, FitOptions.epochs(1).batchSize(32).verbose(0));
        assertArrayEquals(hiddenOnHost(base, IMAGES), features.predict(IMAGES).values(), 1e-4f);
        assertEquals(List.of("hidden"), features.outputNames());
      }
    }
  }

  /** relu(flatten(bn(conv(x))) W + b) of the base's "hidden" layer, through a second model. */
  private static float[] hiddenOnHost(Sequential base, LabeledImages x) {
    // The flattened features come from a model ending at "flatten"; the Dense is done here.
    try (Functional upToFlatten =
        new Functional(base.inputs(), List.of(base.getLayer("flatten").output()))) {
      float[] flat = upToFlatten.predict(x).values();
      Dense hidden = (Dense) base.getLayer("hidden");
      float[] w = download(base, hidden.kernel());
      float[] b = download(base, hidden.bias());
      int in = hidden.inputShape().dim(0);
      int units = hidden.units();
      float[] out = new float[x.count() * units];
      for (int r = 0; r < x.count(); r++) {
        for (int u = 0; u < units; u++) {
          double s = b[u];
          for (int k = 0; k < in; k++) s += flat[r * in + k] * w[k * units + u];
          out[r * units + u] = (float) Math.max(s, 0);
        }
      }
      return out;
    }
  }

  private static float[] download(Model m, Parameter p) {
    float[] v = new float[(int) p.shape().size()];
    m.backend().download(p.value().buffer(), 0, v, 0, v.length);
    return v;
  }

  @Test
  void aNewHeadOnAFrozenBaseIsTwoLinesAndTrains() {
    try (Sequential base = base()) {
      base.trainable(false);
      SymbolicTensor head =
          new Dense(2, "softmax").name("new_head").apply(base.getLayer("hidden").output());
      try (Functional model = new Functional(base.inputs(), List.of(head))) {
        model.output(QUIET);
        float[] labels = IMAGES.labels().clone();
        for (int i = 0; i < labels.length; i++) labels[i] = labels[i] < 2 ? 0 : 1;
        LabeledImages topOrBottom =
            new LabeledImages(IMAGES.images(), labels, COUNT, SIDE, SIDE, 1);
        List<float[]> baseBefore = base.getWeights();
        model.compile(new Adam(0.05), new SparseCategoricalCrossentropy(), "accuracy");
        History h = model.fit(topOrBottom, FitOptions.epochs(6).batchSize(16).verbose(0));
        assertTrue(h.get("loss").get(5) < h.get("loss").get(0), h.get("loss").toString());
        List<float[]> baseAfter = base.getWeights();
        for (int i = 0; i < baseBefore.size(); i++)
          assertArrayEquals(baseBefore.get(i), baseAfter.get(i));
        assertEquals(6 * 2 + 2, model.countTrainableParams());
      }
    }
  }

  @Test
  void aModelIsALayerOfAnotherAndTrainsInside() {
    Sequential inner =
        new Sequential(backend, 5L, new Input(4), new Dense(8, "relu"), new Dense(4, "relu"))
            .name("encoder");
    try (inner) {
      SymbolicTensor in = Input.of(4);
      SymbolicTensor out = new Dense(1).apply(inner.apply(in));
      try (Functional model = new Functional(List.of(in), List.of(out))) {
        model.output(QUIET);
        assertEquals(inner.countParams() + 5, model.countParams());
        float[] meta = meta(256, 3L);
        ArrayDataset d = ArrayDataset.of(256).input(meta, 4).target(meanOfRows(meta, 4), 1);
        model.compile(new Adam(0.01), new MeanSquaredError());
        List<float[]> before = inner.getWeights();
        History h = model.fit(d, FitOptions.epochs(10).batchSize(32).verbose(0));
        assertTrue(h.get("loss").get(9) < 0.2 * h.get("loss").get(0), h.get("loss").toString());
        assertFalse(
            java.util.Arrays.equals(before.get(0), inner.getWeights().get(0)),
            "the nested model trains");
      }
    }
  }

  @Test
  void saveThenLoadGivesIdenticalPredictionsAndTheSameSummary(@TempDir Path dir) throws Exception {
    ArrayDataset d = data(32, 8L, "relu");
    Path file = dir.resolve("two-heads.cnn4j");
    List<float[]> before;
    String summary;
    try (Functional model = twoInTwoOut("relu", 3L)) {
      compileTwoHeads(model, new Adam(0.01));
      model.fit(d, FitOptions.epochs(1).batchSize(8).verbose(0));
      before = model.predictAll(d, 8);
      summary = summary(model);
      model.save(file);
    }
    try (Model loaded = Models.load(file, backend)) {
      loaded.output(QUIET);
      List<float[]> after = loaded.predictAll(d, 8);
      for (int o = 0; o < 2; o++) assertArrayEquals(before.get(o), after.get(o));
      assertEquals(summary, summary(loaded));
      assertEquals(List.of("class", "score"), loaded.outputNames());
      assertEquals(0.5, loaded.lossWeights().get("score"));
      // It resumes training with the optimizer state it was saved with.
      loaded.fit(d, FitOptions.epochs(2).initialEpoch(1).batchSize(8).verbose(0));
    }
  }

  private static String summary(Model m) {
    ApiTests.Captured out = new ApiTests.Captured();
    PrintStream old = m.printStream();
    m.output(out.stream);
    m.summary();
    m.output(old);
    return out.toString();
  }

  @Test
  void summaryShowsConnectionsAndKeepsItsColumnsWithLongNames() {
    SymbolicTensor in = Input.of("image", SIDE, SIDE, 1);
    SymbolicTensor a =
        new Conv2D(2, 3).padding("same").name("a_convolution_with_a_very_long_name").apply(in);
    SymbolicTensor b = new Conv2D(2, 3).padding("same").apply(in);
    SymbolicTensor sum = new Add().apply(a, b);
    try (Functional model =
        new Functional(backend, 1L, List.of(in), List.of(new Flatten().apply(sum)))) {
      String s = summary(model);
      String[] lines = s.split("\n");
      assertTrue(lines[2].contains("Connected to"), s);
      assertTrue(s.contains("│ image (InputLayer)  │"), s);
      assertTrue(s.contains("a_convolution_with…"), s);
      assertTrue(s.contains("│ a_convolution_wi… │"), s);
      assertTrue(s.contains("conv2d[0][0]"), s);
      int tableEnd = 0;
      for (int i = 1; i < lines.length; i++) if (lines[i].startsWith("└")) tableEnd = i;
      for (int i = 1; i <= tableEnd; i++) {
        assertEquals(lines[1].length(), lines[i].length(), "line " + i + ": " + lines[i]);
      }
    }
  }

  @Test
  void graphErrorsNameWhatIsWrong() {
    SymbolicTensor in = Input.of(4);
    SymbolicTensor other = Input.of(4);
    SymbolicTensor out = new Add().apply(in, other);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Functional(backend, 1L, List.of(in), List.of(out)));
    assertTrue(e.getMessage().contains("not among the model's inputs"), e.getMessage());
    Dense shared = new Dense(2);
    shared.apply(Input.of(4));
    var again = assertThrows(IllegalArgumentException.class, () -> shared.apply(Input.of(5)));
    assertTrue(again.getMessage().contains("dense (Dense) is applied again"), again.getMessage());
    var merge =
        assertThrows(
            IllegalArgumentException.class, () -> new Add().apply(Input.of(3), Input.of(4)));
    assertTrue(merge.getMessage().contains("do not broadcast"), merge.getMessage());
  }
}
