package org.cnn4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.DropoutRng;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Quick checks of the OpenCL kernels against plain host loops; the conformance suite in {@code
 * conformance/} is the full specification.
 */
class OpenClBackendTest {
  private static final OpenClBackendProvider PROVIDER = new OpenClBackendProvider();

  /** The kinds these hand-written expectations cover; the conformance suite checks every kind. */
  private static final java.util.List<ActivationKind> FIRST_KINDS =
      java.util.List.of(
          ActivationKind.LINEAR,
          ActivationKind.RELU,
          ActivationKind.SIGMOID,
          ActivationKind.TANH,
          ActivationKind.LEAKY_RELU);

  private final Random random = new Random(42);
  private Backend backend;

  @BeforeEach
  void open() {
    assumeTrue(PROVIDER.probe().available() || requiredHere(), PROVIDER.probe().reason());
    backend = PROVIDER.open(BackendConfig.defaults());
  }

  @AfterEach
  void close() {
    if (backend == null) return;
    assertEquals(0, backend.memoryStats().liveBuffers(), "every test closes its buffers");
    backend.close();
  }

  private static boolean requiredHere() {
    return System.getProperty("cnn4j.conformance.require", "").contains("opencl");
  }

  @Test
  void probeListsTheDevice() {
    var details = PROVIDER.probe().details();
    assertTrue(details.containsKey("device"), details.toString());
    assertTrue(details.containsKey("devices"), details.toString());
    assertTrue(details.containsKey("openclVersion"), details.toString());
  }

  @Test
  void uploadCopyFillDownloadRoundTrip() {
    float[] data = randoms(37);
    try (DeviceBuffer a = backend.allocate(37);
        DeviceBuffer b = backend.allocate(50)) {
      backend.upload(data, 0, a, 0, 37);
      backend.fill(b, 0, 50, -1f);
      backend.copy(a, 3, b, 5, 30);
      float[] out = new float[50];
      backend.download(b, 0, out, 0, 50);
      for (int i = 0; i < 50; i++) {
        float expected = i >= 5 && i < 35 ? data[i - 5 + 3] : -1f;
        assertEquals(expected, out[i], 0f, "element " + i);
      }
    }
  }

  @Test
  void memoryStatsCountLiveBuffersAndClosingTwiceIsHarmless() {
    DeviceBuffer a = backend.allocate(100);
    assertEquals(1, backend.memoryStats().liveBuffers());
    assertEquals(400, backend.memoryStats().liveBytes());
    a.close();
    a.close();
    assertTrue(a.isClosed());
    assertEquals(0, backend.memoryStats().liveBuffers());
    assertEquals(400, backend.memoryStats().peakBytes());
    assertThrows(IllegalStateException.class, () -> backend.fill(a, 0, 1, 0f));
  }

  @Test
  void outOfRangeAccessIsRefusedBeforeLaunch() {
    try (DeviceBuffer a = backend.allocate(10)) {
      assertThrows(IndexOutOfBoundsException.class, () -> backend.fill(a, 5, 6, 0f));
    }
  }

  @Test
  void gemmMatchesHostLoopsForEveryTransposeWithOffsetsAndGarbageInC() {
    // 300 rows exercise the copy of a transposed B (ClGemm.TRANSPOSE_B_MIN_ROWS).
    int[][] shapes = {
      {1, 1, 1}, {5, 7, 3}, {13, 17, 29}, {64, 40, 33}, {9, 16, 2000}, {3, 5, 0}, {300, 21, 17}
    };
    for (int[] shape : shapes) {
      for (int t = 0; t < 4; t++) {
        checkGemm(t >= 2, (t & 1) == 1, shape[0], shape[1], shape[2], 1.5f, 0f);
        checkGemm(t >= 2, (t & 1) == 1, shape[0], shape[1], shape[2], 0.5f, -2f);
      }
    }
  }

  private void checkGemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
    int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
    int lda = aCols + 3, ldb = bCols + 1, ldc = n + 2;
    int aOff = 7, bOff = 2, cOff = 5;
    float[] a = randoms(aOff + Math.max(aRows, 1) * lda);
    float[] b = randoms(bOff + Math.max(bRows, 1) * ldb);
    float[] c = randoms(cOff + m * ldc);
    if (beta == 0f) java.util.Arrays.fill(c, Float.NaN);
    float[] expected = c.clone();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          float av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += (double) av * bv;
        }
        int ci = cOff + i * ldc + j;
        expected[ci] = (float) (alpha * s + (beta == 0f ? 0 : beta * c[ci]));
      }
    }
    try (DeviceBuffer da = upload(a);
        DeviceBuffer db = upload(b);
        DeviceBuffer dc = upload(c)) {
      backend.gemm(ta, tb, m, n, k, alpha, da, aOff, lda, db, bOff, ldb, beta, dc, cOff, ldc);
      float[] got = download(dc);
      for (int i = 0; i < got.length; i++) {
        if (Float.isNaN(expected[i])) {
          assertTrue(Float.isNaN(got[i]), "untouched NaN at " + i);
        } else {
          assertEquals(
              expected[i],
              got[i],
              1e-4f * (1 + k),
              "gemm ta="
                  + ta
                  + " tb="
                  + tb
                  + " m="
                  + m
                  + " n="
                  + n
                  + " k="
                  + k
                  + " beta="
                  + beta
                  + " at "
                  + i);
        }
      }
    }
  }

  @Test
  void convolutionForwardMatchesDirectLoops() {
    Conv2dSpec[] specs = {
      Conv2dSpec.of(2, 7, 6, 3, 3, 3, 4, 1, 1, Padding.SAME, 1, 1, 1),
      Conv2dSpec.of(1, 9, 9, 4, 3, 2, 6, 2, 3, Padding.VALID, 2, 1, 2),
      Conv2dSpec.of(3, 5, 5, 2, 1, 1, 3, 1, 1, Padding.VALID, 1, 1, 1),
    };
    for (Conv2dSpec s : specs) {
      float[] x = randoms((int) s.inputLength());
      float[] w = randoms((int) s.kernelLength());
      float[] expected = directConv(s, x, w);
      try (DeviceBuffer dx = upload(x);
          DeviceBuffer dw = upload(w);
          DeviceBuffer dy = backend.allocate(s.outputLength())) {
        backend.conv2dForward(s, dx, dw, dy);
        assertArrayEquals(expected, download(dy), 1e-4f, s.toString());
      }
    }
  }

  @Test
  void convolutionBackwardDataIsTheAdjointOfForward() {
    Conv2dSpec s = Conv2dSpec.of(2, 6, 7, 4, 3, 3, 6, 2, 1, Padding.SAME, 1, 2, 2);
    float[] x = randoms((int) s.inputLength());
    float[] w = randoms((int) s.kernelLength());
    float[] g = randoms((int) s.outputLength());
    float[] y = directConv(s, x, w);
    try (DeviceBuffer dw = upload(w);
        DeviceBuffer dg = upload(g);
        DeviceBuffer dx = backend.allocate(s.inputLength())) {
      backend.conv2dBackwardData(s, dg, dw, dx);
      float[] back = download(dx);
      // <conv(x), g> == <x, conv^T(g)>
      assertEquals(dot(y, g), dot(x, back), 1e-3);
    }
  }

  @Test
  void maxPoolingPicksTheFirstMaximumAndRoutesItsGradient() {
    Pool2dSpec s = Pool2dSpec.of(1, 2, 2, 1, 2, 2, 2, 2, Padding.VALID);
    try (DeviceBuffer x = upload(new float[] {3, 5, 5, 1});
        DeviceBuffer y = backend.allocate(1);
        DeviceBuffer dy = upload(new float[] {2});
        DeviceBuffer dx = backend.allocate(4)) {
      backend.maxPool2dForward(s, x, y);
      backend.maxPool2dBackward(s, x, dy, dx);
      assertArrayEquals(new float[] {5}, download(y));
      assertArrayEquals(new float[] {0, 2, 0, 0}, download(dx));
    }
  }

  /** Sixteen channels take the float8 path of the disjoint-window kernel; ties are frequent. */
  @Test
  void maxPoolingOverManyChannelsTakesTheMaximumAndRoutesToTheFirst() {
    Pool2dSpec s = Pool2dSpec.of(2, 7, 6, 16, 2, 2, 2, 2, Padding.VALID);
    float[] x = new float[(int) s.inputLength()];
    for (int i = 0; i < x.length; i++) x[i] = random.nextInt(3);
    float[] dy = randoms((int) s.outputLength());
    try (DeviceBuffer bx = upload(x);
        DeviceBuffer bdy = upload(dy);
        DeviceBuffer bdx = upload(randoms(x.length))) {
      backend.maxPool2dBackward(s, bx, bdy, bdx);
      try (DeviceBuffer by = backend.allocate(s.outputLength())) {
        backend.maxPool2dForward(s, bx, by);
        float[] y = download(by);
        for (int i = 0; i < y.length; i++) {
          int c = i % s.c(), ox = i / s.c() % s.outW(), oy = i / s.c() / s.outW() % s.outH();
          int n = i / s.c() / s.outW() / s.outH();
          float max = Float.NEGATIVE_INFINITY;
          for (int py = 0; py < 2; py++) {
            for (int px = 0; px < 2; px++) {
              max = Math.max(max, x[((n * s.h() + oy * 2 + py) * s.w() + ox * 2 + px) * s.c() + c]);
            }
          }
          assertEquals(max, y[i], 0f, "output " + i);
        }
      }
      float[] expected = new float[x.length];
      for (int n = 0; n < s.n(); n++) {
        for (int oy = 0; oy < s.outH(); oy++) {
          for (int ox = 0; ox < s.outW(); ox++) {
            for (int c = 0; c < s.c(); c++) {
              int best = -1;
              for (int py = 0; py < 2; py++) {
                for (int px = 0; px < 2; px++) {
                  int at = ((n * s.h() + oy * 2 + py) * s.w() + ox * 2 + px) * s.c() + c;
                  if (best < 0 || x[at] > x[best]) best = at;
                }
              }
              expected[best] += dy[((n * s.outH() + oy) * s.outW() + ox) * s.c() + c];
            }
          }
        }
      }
      assertArrayEquals(expected, download(bdx), 0f);
    }
  }

  @Test
  void averagePoolingDoesNotCountPadding() {
    Pool2dSpec s = Pool2dSpec.of(1, 3, 3, 1, 2, 2, 2, 2, Padding.SAME);
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    try (DeviceBuffer dx = upload(x);
        DeviceBuffer y = backend.allocate(s.outputLength())) {
      backend.avgPool2dForward(s, dx, y);
      assertArrayEquals(new float[] {3, 4.5f, 7.5f, 9}, download(y), 1e-6f);
    }
  }

  @Test
  void dropoutMaskReproducesTheSharedGeneratorBitForBit() {
    int n = 10_001;
    long seed = 0xDEADBEEFCAFEL;
    float rate = 0.3f;
    try (DeviceBuffer mask = backend.allocate(n)) {
      backend.dropoutMask(seed, rate, mask, n);
      float[] got = download(mask);
      for (int i = 0; i < n; i++) {
        float expected = DropoutRng.uniform(seed, i) < rate ? 0f : 1f / (1f - rate);
        assertEquals(expected, got[i], 0f, "element " + i);
      }
    }
  }

  @Test
  void reduceMiddleSumsLongAxesExactlyEnough() {
    int outer = 2, mid = 5000, inner = 3;
    float[] x = randoms(outer * mid * inner);
    float[] expected = new float[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double s = 0;
        for (int m = 0; m < mid; m++) s += x[(o * mid + m) * inner + i];
        expected[o * inner + i] = (float) (0.5 * s);
      }
    }
    try (DeviceBuffer dx = upload(x);
        DeviceBuffer out = backend.allocate(outer * inner)) {
      backend.reduceMiddle(dx, outer, mid, inner, 0.5f, out);
      assertArrayEquals(expected, download(out), 1e-3f);
    }
  }

  @Test
  void softmaxIsStableForLargeLogitsAndSparseCrossEntropyMatches() {
    float[] logits = {1000f, 1001f, 999f, 0f, 0f, 0f};
    try (DeviceBuffer x = upload(logits);
        DeviceBuffer y = backend.allocate(6);
        DeviceBuffer labels = upload(new float[] {1, 2});
        DeviceBuffer loss = backend.allocate(2);
        DeviceBuffer grad = backend.allocate(6)) {
      backend.softmax(x, y, 2, 3);
      float[] p = download(y);
      double z = Math.exp(-1) + 1 + Math.exp(-2);
      assertEquals(1 / z, p[1], 1e-6);
      assertEquals(1 / 3.0, p[4], 1e-6);
      backend.loss(LossKind.SOFTMAX_CROSS_ENTROPY_SPARSE, x, labels, 2, 3, loss, grad, 1f);
      float[] l = download(loss);
      assertEquals(Math.log(z), l[0], 1e-5);
      assertEquals(Math.log(3), l[1], 1e-5);
      assertEquals(p[1] - 1, download(grad)[1], 1e-6);
    }
  }

  @Test
  void batchNormStatisticsAreTheColumnMeanAndBiasedVariance() {
    int rows = 3000, cols = 5;
    float[] x = randoms(rows * cols);
    try (DeviceBuffer dx = upload(x);
        DeviceBuffer mean = backend.allocate(cols);
        DeviceBuffer var = backend.allocate(cols)) {
      backend.batchNormStatistics(dx, rows, cols, mean, var);
      float[] m = download(mean), v = download(var);
      for (int c = 0; c < cols; c++) {
        double s = 0, ss = 0;
        for (int r = 0; r < rows; r++) s += x[r * cols + c];
        double mu = s / rows;
        for (int r = 0; r < rows; r++) ss += (x[r * cols + c] - mu) * (x[r * cols + c] - mu);
        assertEquals(mu, m[c], 1e-5);
        assertEquals(ss / rows, v[c], 1e-4);
      }
    }
  }

  @Test
  void activationsAndTheirGradients() {
    float[] x = {-2f, -0.5f, 0f, 0.5f, 3f};
    try (DeviceBuffer dx = upload(x);
        DeviceBuffer y = backend.allocate(5);
        DeviceBuffer g = backend.allocate(5)) {
      backend.activationForward(ActivationKind.LEAKY_RELU, 0.3f, dx, y, 5);
      assertArrayEquals(new float[] {-0.6f, -0.15f, 0f, 0.5f, 3f}, download(y), 1e-6f);
      backend.activationForward(ActivationKind.SIGMOID, 0f, dx, y, 5);
      backend.fill(g, 0, 5, 1f);
      backend.activationBackward(ActivationKind.SIGMOID, 0f, dx, y, g, g, 5);
      float[] s = download(y), d = download(g);
      for (int i = 0; i < 5; i++) {
        assertEquals(1 / (1 + Math.exp(-x[i])), s[i], 1e-6);
        assertEquals(s[i] * (1 - s[i]), d[i], 1e-6);
      }
    }
  }

  @Test
  void biasActivationForwardAddsTheBiasThenActivatesInPlace() {
    int rows = 37, cols = 5;
    float[] y = randoms(rows * cols), bias = randoms(cols);
    for (ActivationKind kind : FIRST_KINDS) {
      for (boolean withBias : new boolean[] {true, false}) {
        try (DeviceBuffer dy = upload(y);
            DeviceBuffer db = upload(bias)) {
          backend.biasActivationForward(kind, 0.3f, dy, withBias ? db : null, rows, cols);
          float[] out = download(dy);
          for (int i = 0; i < y.length; i++) {
            double v = y[i] + (withBias ? bias[i % cols] : 0);
            double expected =
                switch (kind) {
                  case LINEAR -> v;
                  case RELU -> Math.max(v, 0);
                  case SIGMOID -> 1 / (1 + Math.exp(-v));
                  case TANH -> Math.tanh(v);
                  case LEAKY_RELU -> v > 0 ? v : 0.3 * v;
                  default -> throw new AssertionError(kind);
                };
            assertEquals(expected, out[i], 1e-6, kind + " bias " + withBias + " element " + i);
          }
        }
      }
    }
  }

  /** Enough rows for the bias gradient to be summed in slices and folded. */
  @Test
  void activationBackwardBiasGivesDzAndItsColumnSums() {
    int rows = 3001, cols = 7;
    float[] y = randoms(rows * cols), dy = randoms(rows * cols);
    for (ActivationKind kind : FIRST_KINDS) {
      for (boolean inPlace : new boolean[] {true, false}) {
        try (DeviceBuffer by = upload(y);
            DeviceBuffer bdy = upload(dy);
            DeviceBuffer bdz = backend.allocate(rows * cols);
            DeviceBuffer bias = backend.allocate(cols)) {
          DeviceBuffer dz = inPlace ? bdy : bdz;
          backend.activationBackwardBias(kind, 0.3f, by, bdy, dz, rows, cols, bias);
          float[] got = download(dz), sums = download(bias);
          double[] expectedSums = new double[cols];
          for (int i = 0; i < y.length; i++) {
            double o = y[i], g = dy[i];
            double expected =
                switch (kind) {
                  case LINEAR -> g;
                  case RELU -> o > 0 ? g : 0;
                  case SIGMOID -> g * o * (1 - o);
                  case TANH -> g * (1 - o * o);
                  case LEAKY_RELU -> o > 0 ? g : 0.3 * g;
                  default -> throw new AssertionError(kind);
                };
            assertEquals(expected, got[i], 1e-6, kind + " element " + i);
            expectedSums[i % cols] += expected;
          }
          for (int c = 0; c < cols; c++)
            assertEquals(expectedSums[c], sums[c], 1e-3, kind + " column " + c);
        }
      }
    }
  }

  @Test
  void activationBackwardBiasWithoutABiasOnlyWritesDz() {
    float[] y = {-1f, 2f, 0.5f, -3f}, dy = {1f, 1f, 2f, 2f};
    try (DeviceBuffer by = upload(y);
        DeviceBuffer bdy = upload(dy);
        DeviceBuffer dz = backend.allocate(4)) {
      backend.activationBackwardBias(ActivationKind.RELU, 0f, by, bdy, dz, 2, 2, null);
      assertArrayEquals(new float[] {0f, 1f, 2f, 0f}, download(dz), 0f);
    }
  }

  @Test
  void adamStepFollowsKeras() {
    try (DeviceBuffer p = upload(new float[] {1f});
        DeviceBuffer g = upload(new float[] {0.5f});
        DeviceBuffer m = upload(new float[] {0f});
        DeviceBuffer v = upload(new float[] {0f})) {
      backend.adamStep(p, g, m, v, 1, 0.1f, 0.9f, 0.999f, 1e-7f, 1, 0f);
      // First step: m = 0.05, v = 0.00025, lrHat = 0.1 * sqrt(0.001) / 0.1.
      double expected = 1 - 0.1 * Math.sqrt(0.001) / 0.1 * 0.05 / (Math.sqrt(0.00025) + 1e-7);
      assertEquals(expected, download(p)[0], 1e-6);
      assertFalse(Float.isNaN(download(m)[0]));
    }
  }

  // ---------------------------------------------------------------- helpers

  private float[] directConv(Conv2dSpec s, float[] x, float[] w) {
    int cg = s.c() / s.groups(), fg = s.filters() / s.groups();
    float[] y = new float[(int) s.outputLength()];
    for (int n = 0; n < s.n(); n++) {
      for (int oy = 0; oy < s.outH(); oy++) {
        for (int ox = 0; ox < s.outW(); ox++) {
          for (int f = 0; f < s.filters(); f++) {
            int g = f / fg;
            double sum = 0;
            for (int ky = 0; ky < s.kh(); ky++) {
              for (int kx = 0; kx < s.kw(); kx++) {
                int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                int ix = ox * s.strideW() - s.padLeft() + kx * s.dilationW();
                if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                for (int ci = 0; ci < cg; ci++) {
                  sum +=
                      x[((n * s.h() + iy) * s.w() + ix) * s.c() + g * cg + ci]
                          * w[((ky * s.kw() + kx) * cg + ci) * s.filters() + f];
                }
              }
            }
            y[((n * s.outH() + oy) * s.outW() + ox) * s.filters() + f] = (float) sum;
          }
        }
      }
    }
    return y;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  private float[] randoms(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = random.nextFloat() * 2 - 1;
    return v;
  }

  private DeviceBuffer upload(float[] data) {
    DeviceBuffer b = backend.allocate(data.length);
    backend.upload(data, 0, b, 0, data.length);
    return b;
  }

  private float[] download(DeviceBuffer b) {
    float[] out = new float[(int) b.length()];
    backend.download(b, 0, out, 0, out.length);
    return out;
  }
}
