package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.models.Functional;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.Test;

/**
 * Inference folds a residual block's end (convolution, BatchNormalization, the addition of the
 * shortcut, ReLU) into one convolution that writes its output over the shortcut
 * (conv2dForwardResidual): predictions equal those of the same model in which a linear Activation
 * after each block's last normalization keeps the addition apart. Four blocks: an identity block,
 * whose shortcut (the block's input) its first convolution reads before; a projection block, whose
 * shortcut is a convolution and normalization of its own; one whose projection is made after its
 * last convolution, where the shortcut does not exist yet (the projection's convolution adds the
 * main path instead); and a block whose input a later layer reads again, which must not be written
 * over. The batch is large enough to free activations early and is split across lanes.
 */
class ResidualFoldTest {
  private static final int H = 12;
  private static final int W = 11;
  private static final int C = 3;
  private static final int BATCH = 64;

  @Test
  void residualBlocksPredictAsWithTheAdditionApart() {
    SplittableRandom r = new SplittableRandom(21);
    float[] x = new float[BATCH * H * W * C];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-2, 2);
    ArrayDataset data = ArrayDataset.of(BATCH).input(x, H, W, C).target(new float[BATCH], 1);
    Map<String, Integer> calls = new ConcurrentHashMap<>();
    try (Backend cpu = ApiTests.openCpu();
        Functional folded = model(ApiTests.counting(cpu, calls), false);
        Functional apart = model(cpu, true)) {
      List<float[]> weights = folded.getWeights();
      for (float[] w : weights)
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-0.3, 0.3);
      for (int i = 0; i < weights.size(); i++) {
        if (folded.parameters().get(i).name().contains("variance")) {
          for (int j = 0; j < weights.get(i).length; j++) {
            weights.get(i)[j] = (float) r.nextDouble(0.3, 2);
          }
        }
      }
      folded.setWeights(weights);
      apart.setWeights(weights);
      float[] expected = apart.predict(data, BATCH).values();
      for (int pass = 0; pass < 2; pass++) {
        calls.clear();
        assertArrayEquals(expected, folded.predict(data, BATCH).values(), 1e-4f, "pass " + pass);
      }
      // In each of the two lanes the first three blocks fold (the third the other way round: its
      // projection's convolution adds the main path's output); the fourth block's addition and
      // the last one run apart.
      assertEquals(2 * 3, calls.getOrDefault("conv2dForwardResidual", 0), "residual folds");
      assertEquals(2 * 2, calls.getOrDefault("binary", 0), "additions left");
    }
  }

  private static Functional model(Backend backend, boolean apart) {
    SymbolicTensor in = Input.of(H, W, C);
    SymbolicTensor x = new Conv2D(16, 3, 3).padding("same").activation("relu").apply(in);
    // Identity block: the shortcut is the block's input.
    x = block(x, t -> t, apart);
    // Projection block: the shortcut is a convolution and normalization of the input, made before
    // the block's own convolutions.
    SymbolicTensor projected = projection(x);
    x = block(x, t -> projected, apart);
    // The same with the projection made after them: it does not exist yet where the block's last
    // convolution runs, so the projection's convolution folds the addition instead.
    x = block(x, ResidualFoldTest::projection, apart);
    // A block whose input is read again after its addition: not written over.
    SymbolicTensor kept = x;
    x = block(x, t -> t, apart);
    x = new Add().apply(x, kept);
    x = new GlobalAveragePooling2D().apply(x);
    x = new Dense(3).apply(x);
    Functional m = new Functional(backend, 5L, List.of(in), List.of(x));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    return m;
  }

  private static SymbolicTensor projection(SymbolicTensor x) {
    return new BatchNormalization().apply(new Conv2D(16, 1, 1).apply(x));
  }

  /**
   * conv, BN, ReLU, conv, BN, then the addition of the shortcut, made from the block's input after
   * those, and ReLU.
   */
  private static SymbolicTensor block(
      SymbolicTensor x, UnaryOperator<SymbolicTensor> shortcut, boolean apart) {
    SymbolicTensor y = new Conv2D(16, 3, 3).padding("same").apply(x);
    y = new Activation("relu").apply(new BatchNormalization().apply(y));
    y = new BatchNormalization().apply(new Conv2D(16, 3, 3).padding("same").apply(y));
    if (apart) y = new Activation("linear").apply(y);
    y = new Add().apply(shortcut.apply(x), y);
    return new Activation("relu").apply(y);
  }
}
