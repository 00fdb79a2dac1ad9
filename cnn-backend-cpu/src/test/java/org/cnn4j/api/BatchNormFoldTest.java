package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.ReLU;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.Test;

/**
 * Inference folds a BatchNormalization and its activation into the convolution before it
 * (BatchNormFold): the predictions equal convolution, normalization by the moving statistics and
 * ReLU6 computed one after the other in float64, for a Conv2D and for a DepthwiseConv2D with a
 * depth multiplier (whose kernel orders its output channels differently), with and without bias;
 * also after the weights changed under a fold the model kept from earlier passes, and after a
 * training step.
 */
class BatchNormFoldTest {
  private static final int H = 5;
  private static final int W = 4;
  private static final int C = 2;
  private static final int BATCH = 6;

  @Test
  void conv2dBatchNormRelu6PredictAsComputedStepByStep() {
    check(new Conv2D(3, 3).padding("same"), 3, false);
    check(new Conv2D(3, 3).useBias(false), 3, false);
  }

  @Test
  void depthwiseBatchNormRelu6PredictAsComputedStepByStep() {
    check(new DepthwiseConv2D(3).depthMultiplier(2).padding("same"), 4, true);
    check(new DepthwiseConv2D(3).depthMultiplier(2).useBias(false), 4, true);
  }

  @Test
  void predictionsAfterATrainingStepUseTheNewWeights() {
    try (Backend backend = ApiTests.openCpu()) {
      SplittableRandom r = new SplittableRandom(5);
      float[] x = new float[BATCH * H * W * C];
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-3, 3);
      float[] labels = new float[BATCH];
      for (int i = 0; i < BATCH; i++) labels[i] = i % 3;
      ArrayDataset data = ArrayDataset.of(BATCH).input(x, H, W, C).target(labels, 1);
      try (Sequential trained = foldable(backend);
          Sequential fresh = foldable(backend)) {
        trained.compile(new Adam(0.05), new SparseCategoricalCrossentropy());
        for (int i = 0; i < 2; i++) trained.predict(data, BATCH);
        trained.fit(data, FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(5L));
        float[] got = trained.predict(data, BATCH).values();
        fresh.setWeights(trained.getWeights());
        assertArrayEquals(fresh.predict(data, BATCH).values(), got);
      }
    }
  }

  private static Sequential foldable(Backend backend) {
    Sequential m =
        new Sequential(
            backend,
            9L,
            new Input(H, W, C),
            new Conv2D(3, 3).padding("same"),
            new BatchNormalization(),
            new ReLU(),
            new GlobalAveragePooling2D(),
            new Dense(3, "softmax"));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    return m;
  }

  /** conv then BatchNormalization then ReLU(6); {@code filters} output channels. */
  private static void check(Layer conv, int filters, boolean depthwise) {
    try (Backend backend = ApiTests.openCpu();
        Sequential m =
            new Sequential(
                backend,
                9L,
                new Input(H, W, C),
                conv,
                new BatchNormalization().epsilon(1e-3),
                new ReLU(6.0))) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      SplittableRandom r = new SplittableRandom(4);
      List<float[]> w = m.getWeights();
      boolean bias = w.size() == 6;
      for (float[] a : w) for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
      float[] variance = w.get(w.size() - 1);
      for (int i = 0; i < variance.length; i++) variance[i] = (float) r.nextDouble(0.2, 2);
      float[] x = new float[BATCH * H * W * C];
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-3, 3);
      // Passes on the initial weights first: the model keeps their fold, which the new weights
      // must replace.
      for (int i = 0; i < 2; i++) m.predict(ArrayDataset.of(BATCH).input(x, H, W, C), BATCH);
      m.setWeights(w);
      float[] got = m.predict(ArrayDataset.of(BATCH).input(x, H, W, C), BATCH).values();

      int k = 3;
      boolean same = got.length == BATCH * H * W * filters;
      int oh = same ? H : H - 2;
      int ow = same ? W : W - 2;
      int pad = same ? 1 : 0;
      float[] kernel = w.get(0);
      float[] b = bias ? w.get(1) : new float[filters];
      int g = bias ? 2 : 1;
      float[] gamma = w.get(g);
      float[] beta = w.get(g + 1);
      float[] mean = w.get(g + 2);
      assertEquals(BATCH * oh * ow * filters, got.length, "output size");
      for (int n = 0; n < BATCH; n++) {
        for (int y = 0; y < oh; y++) {
          for (int xo = 0; xo < ow; xo++) {
            for (int f = 0; f < filters; f++) {
              double z = b[f];
              for (int dy = 0; dy < k; dy++) {
                for (int dx = 0; dx < k; dx++) {
                  int iy = y + dy - pad;
                  int ix = xo + dx - pad;
                  if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                  for (int c = 0; c < C; c++) {
                    double weight;
                    if (depthwise) {
                      // [kh, kw, C, multiplier]; output channel c * multiplier + m.
                      int mult = filters / C;
                      if (f / mult != c) continue;
                      weight = kernel[((dy * k + dx) * C + c) * mult + f % mult];
                    } else {
                      weight = kernel[((dy * k + dx) * C + c) * filters + f];
                    }
                    z += weight * x[((n * H + iy) * W + ix) * C + c];
                  }
                }
              }
              double normalized =
                  (z - mean[f]) / Math.sqrt(variance[f] + 1e-3) * gamma[f] + beta[f];
              double expected = Math.min(6, Math.max(0, normalized));
              int at = ((n * oh + y) * ow + xo) * filters + f;
              assertEquals(expected, got[at], 1e-4, conv.name() + " output " + at);
            }
          }
        }
      }
    }
  }
}
