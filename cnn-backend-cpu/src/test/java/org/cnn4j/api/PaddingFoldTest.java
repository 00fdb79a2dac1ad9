package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.layers.ZeroPadding2D;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.optimizers.SGD;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.Test;

/**
 * A ZeroPadding2D whose output only a convolution reads runs as that convolution's own padding
 * (PaddingFold): the model never copies into a padded buffer, and its predictions and its weights
 * after training equal those of the same model in which a linear Activation between the two keeps
 * the padding a layer of its own. Covered: MobileNetV2's strided depthwise layer (nothing before,
 * one row and column after, then BatchNormalization and ReLU6, which inference folds too), ResNet's
 * 7x7 stride-2 stem (three on each side, the last row unread), and an uneven padding before a
 * 'same' convolution (one row above, one column right, and the convolution's own). The batch is
 * large enough for the pass to free activations early, which must keep the padding's input for the
 * convolution's backward.
 */
class PaddingFoldTest {
  private static final int H = 32;
  private static final int W = 29;
  private static final int C = 3;
  // A batch of over 2^20 floats of activations in each lane's half (Graph.PLANNED_FLOATS).
  private static final int BATCH = 96;

  @Test
  void mobileNetV2StridedDepthwise() {
    check(x -> new ZeroPadding2D(0, 1, 0, 1).apply(x), x -> depthwiseBlock().apply(x));
  }

  @Test
  void resNetStem() {
    check(x -> new ZeroPadding2D(3, 3).apply(x), x -> new Conv2D(5, 7, 7).strides(2).apply(x));
  }

  @Test
  void unevenPaddingBeforeASameConvolution() {
    check(
        x -> new ZeroPadding2D(1, 0, 0, 1).apply(x),
        x -> new Conv2D(4, 3, 3).padding("same").activation("relu").apply(x));
  }

  /** A strided depthwise convolution, its BatchNormalization and ReLU6, as one function. */
  private static Function<SymbolicTensor, SymbolicTensor> depthwiseBlock() {
    return x -> {
      SymbolicTensor y = new DepthwiseConv2D(3).strides(2).useBias(false).apply(x);
      y = new BatchNormalization().epsilon(1e-3).apply(y);
      return new ReLU(6.0).apply(y);
    };
  }

  private static void check(
      Function<SymbolicTensor, SymbolicTensor> padding,
      Function<SymbolicTensor, SymbolicTensor> conv) {
    SplittableRandom r = new SplittableRandom(11);
    float[] x = new float[BATCH * H * W * C];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-2, 2);
    float[] labels = new float[BATCH];
    for (int i = 0; i < BATCH; i++) labels[i] = i % 3;
    ArrayDataset data = ArrayDataset.of(BATCH).input(x, H, W, C).target(labels, 1);
    Map<String, Integer> calls = new ConcurrentHashMap<>();
    try (Backend cpu = ApiTests.openCpu();
        Functional folded = model(ApiTests.counting(cpu, calls), padding, conv, false);
        Functional apart = model(cpu, padding, conv, true)) {
      apart.setWeights(folded.getWeights());
      float[] expected = apart.predict(data, BATCH).values();
      calls.clear();
      assertArrayEquals(expected, folded.predict(data, BATCH).values(), 1e-5f, "predictions");
      assertEquals(0, calls.getOrDefault("copyStrided", 0), "padded copies in inference");
      for (Functional m : List.of(folded, apart)) {
        m.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        m.fit(data, FitOptions.epochs(2).batchSize(BATCH).verbose(0).shuffle(false));
      }
      assertEquals(0, calls.getOrDefault("copyStrided", 0), "padded copies in training");
      List<float[]> want = apart.getWeights();
      List<float[]> got = folded.getWeights();
      for (int i = 0; i < want.size(); i++) {
        assertArrayEquals(want.get(i), got.get(i), 1e-4f, "weight " + i + " after training");
      }
      // The convolution before the padding learned: its gradient came through the fold.
      try (Functional untrained = model(cpu, padding, conv, true)) {
        assertTrue(differs(got.get(0), untrained.getWeights().get(0)), "first kernel trained");
      }
    }
  }

  /**
   * Conv2D, BatchNormalization, padding, the convolution under test, pooling and a softmax
   * classifier; {@code apart} puts a linear Activation between the padding and the convolution.
   */
  private static Functional model(
      Backend backend,
      Function<SymbolicTensor, SymbolicTensor> padding,
      Function<SymbolicTensor, SymbolicTensor> conv,
      boolean apart) {
    SymbolicTensor in = Input.of(H, W, C);
    SymbolicTensor x = new Conv2D(16, 3, 3).padding("same").activation("relu").apply(in);
    // Its output is one a pass may free once no backward reads it: the convolution's does.
    x = new BatchNormalization().apply(x);
    x = padding.apply(x);
    if (apart) x = new Activation("linear").apply(x);
    x = conv.apply(x);
    x = new GlobalAveragePooling2D().apply(x);
    x = new Dense(3, "softmax").apply(x);
    Functional m = new Functional(backend, 3L, List.of(in), List.of(x));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    return m;
  }

  private static boolean differs(float[] a, float[] b) {
    for (int i = 0; i < a.length; i++) if (a[i] != b[i]) return true;
    return false;
  }
}
