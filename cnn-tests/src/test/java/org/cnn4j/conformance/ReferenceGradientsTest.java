package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * The oracle's backward ops agree with central finite differences of its forward ops. Each test
 * takes a scalar {@code L = sum(w * f(x))} with random weights w, so the backward op fed with w
 * must give dL/dx.
 */
class ReferenceGradientsTest {
  private static final Conv2dSpec CONV =
      Conv2dSpec.of(2, 5, 6, 4, 3, 3, 4, 2, 1, Padding.SAME, 1, 2, 2);
  private static final Pool2dSpec POOL = Pool2dSpec.of(2, 5, 5, 2, 3, 3, 2, 2, Padding.SAME);

  /** Runs host arrays through the reference and reads one output back. */
  private static float[] run(int outLength, Function<Host, DeviceBuffer> op) {
    try (Host h = new Host()) {
      DeviceBuffer out = op.apply(h);
      return h.read(out, outLength);
    }
  }

  /** Reference buffers that close together. */
  private static final class Host implements AutoCloseable {
    final ReferenceBackend rb = new ReferenceBackend();
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    DeviceBuffer in(float[] v) {
      DeviceBuffer b = rb.allocate(v.length);
      buffers.add(b);
      rb.upload(v, 0, b, 0, v.length);
      return b;
    }

    DeviceBuffer zeros(long n) {
      return in(new float[(int) n]);
    }

    float[] read(DeviceBuffer b, int n) {
      float[] v = new float[n];
      rb.download(b, 0, v, 0, n);
      return v;
    }

    @Override
    public void close() {
      buffers.forEach(DeviceBuffer::close);
      assertEquals(0, rb.memoryStats().liveBuffers());
      rb.close();
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  /** Asserts {@code analytic[i]} is the central difference of {@code loss} at x along i. */
  private static void assertGradient(
      String what, float[] x, Function<float[], Double> loss, float[] analytic, double h) {
    for (int i = 0; i < x.length; i++) {
      float[] plus = x.clone();
      float[] minus = x.clone();
      plus[i] = (float) (x[i] + h);
      minus[i] = (float) (x[i] - h);
      double numeric = (loss.apply(plus) - loss.apply(minus)) / ((double) plus[i] - minus[i]);
      if (Math.abs(numeric - analytic[i]) > 5e-3 * (1 + Math.abs(numeric))) {
        throw new AssertionFailedError(
            what + ": d/dx[" + i + "] analytic " + analytic[i] + ", finite difference " + numeric);
      }
    }
  }

  /**
   * Values spaced at least 0.05 apart, shuffled: no two pooling candidates within h of each other.
   */
  private static float[] distinct(int n, long seed) {
    List<Float> v = new ArrayList<>();
    for (int i = 0; i < n; i++) v.add((i - n / 2) * 0.05f);
    java.util.Collections.shuffle(v, new java.util.Random(seed));
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = v.get(i);
    return out;
  }

  @Test
  void convolutionBackwardDataIsTheGradientOfForward() {
    Inputs in = new Inputs(1);
    float[] x = in.uniform((int) CONV.inputLength(), -1, 1);
    float[] k = in.uniform((int) CONV.kernelLength(), -1, 1);
    float[] w = in.uniform((int) CONV.outputLength(), -1, 1);
    float[] dx =
        run(
            x.length,
            h -> {
              DeviceBuffer out = h.zeros(CONV.inputLength());
              h.rb.conv2dBackwardData(CONV, h.in(w), h.in(k), out);
              return out;
            });
    assertGradient(
        "conv2dBackwardData",
        x,
        xs ->
            dot(
                w,
                run(
                    w.length,
                    h -> {
                      DeviceBuffer y = h.zeros(CONV.outputLength());
                      h.rb.conv2dForward(CONV, h.in(xs), h.in(k), y);
                      return y;
                    })),
        dx,
        0.25);
  }

  @Test
  void convolutionBackwardFilterIsTheGradientOfForward() {
    Inputs in = new Inputs(2);
    float[] x = in.uniform((int) CONV.inputLength(), -1, 1);
    float[] k = in.uniform((int) CONV.kernelLength(), -1, 1);
    float[] w = in.uniform((int) CONV.outputLength(), -1, 1);
    float[] dk =
        run(
            k.length,
            h -> {
              DeviceBuffer out = h.zeros(CONV.kernelLength());
              h.rb.conv2dBackwardFilter(CONV, h.in(x), h.in(w), out);
              return out;
            });
    assertGradient(
        "conv2dBackwardFilter",
        k,
        ks ->
            dot(
                w,
                run(
                    w.length,
                    h -> {
                      DeviceBuffer y = h.zeros(CONV.outputLength());
                      h.rb.conv2dForward(CONV, h.in(x), h.in(ks), y);
                      return y;
                    })),
        dk,
        0.25);
  }

  @Test
  void convolutionBackwardBiasIsTheGradientOfBiasAdd() {
    Inputs in = new Inputs(3);
    float[] y = in.uniform((int) CONV.outputLength(), -1, 1);
    float[] bias = in.uniform(CONV.filters(), -1, 1);
    float[] w = in.uniform(y.length, -1, 1);
    float[] db =
        run(
            bias.length,
            h -> {
              DeviceBuffer out = h.zeros(CONV.filters());
              h.rb.conv2dBackwardBias(CONV, h.in(w), out);
              return out;
            });
    int rows = (int) (CONV.outputLength() / CONV.filters());
    assertGradient(
        "conv2dBackwardBias",
        bias,
        bs ->
            dot(
                w,
                run(
                    y.length,
                    h -> {
                      DeviceBuffer out = h.in(y);
                      h.rb.biasAdd(out, h.in(bs), rows, CONV.filters());
                      return out;
                    })),
        db,
        0.25);
  }

  @Test
  void col2imIsTheAdjointOfIm2col() {
    Inputs in = new Inputs(4);
    int width = CONV.kh() * CONV.kw() * CONV.c() / CONV.groups();
    int colsLength = CONV.n() * CONV.outH() * CONV.outW() * width;
    float[] x = in.uniform((int) CONV.inputLength(), -1, 1);
    float[] c = in.uniform(colsLength, -1, 1);
    for (int g = 0; g < CONV.groups(); g++) {
      int group = g;
      float[] cols =
          run(
              colsLength,
              h -> {
                DeviceBuffer out = h.zeros(colsLength);
                h.rb.im2col(CONV, h.in(x), 0, CONV.n(), group, out);
                return out;
              });
      float[] back =
          run(
              x.length,
              h -> {
                DeviceBuffer out = h.zeros(CONV.inputLength());
                h.rb.col2im(CONV, h.in(c), 0, CONV.n(), group, out);
                return out;
              });
      assertEquals(
          dot(cols, c), dot(x, back), 1e-4, "<im2col(x), c> = <x, col2im(c)> for group " + g);
    }
  }

  @Test
  void maxPoolingBackwardIsTheGradientOfForward() {
    float[] x = distinct((int) POOL.inputLength(), 5);
    float[] w = new Inputs(5).uniform((int) POOL.outputLength(), -1, 1);
    float[] dx =
        run(
            x.length,
            h -> {
              DeviceBuffer out = h.zeros(POOL.inputLength());
              h.rb.maxPool2dBackward(POOL, h.in(x), h.in(w), out);
              return out;
            });
    assertGradient(
        "maxPool2dBackward",
        x,
        xs ->
            dot(
                w,
                run(
                    w.length,
                    h -> {
                      DeviceBuffer y = h.zeros(POOL.outputLength());
                      h.rb.maxPool2dForward(POOL, h.in(xs), y);
                      return y;
                    })),
        dx,
        0.01);
  }

  @Test
  void averagePoolingBackwardIsTheGradientOfForward() {
    Inputs in = new Inputs(6);
    float[] x = in.uniform((int) POOL.inputLength(), -1, 1);
    float[] w = in.uniform((int) POOL.outputLength(), -1, 1);
    float[] dx =
        run(
            x.length,
            h -> {
              DeviceBuffer out = h.zeros(POOL.inputLength());
              h.rb.avgPool2dBackward(POOL, h.in(w), out);
              return out;
            });
    assertGradient(
        "avgPool2dBackward",
        x,
        xs ->
            dot(
                w,
                run(
                    w.length,
                    h -> {
                      DeviceBuffer y = h.zeros(POOL.outputLength());
                      h.rb.avgPool2dForward(POOL, h.in(xs), y);
                      return y;
                    })),
        dx,
        0.25);
  }

  @ParameterizedTest
  @EnumSource(ActivationKind.class)
  void activationBackwardIsTheGradientOfForward(ActivationKind kind) {
    Inputs in = new Inputs(kind.ordinal());
    int n = 64;
    float alpha = 0.3f;
    float[] x = in.awayFromZero(n, 0.05, 4);
    float[] w = in.uniform(n, -1, 1);
    Function<float[], float[]> forward =
        xs ->
            run(
                n,
                h -> {
                  DeviceBuffer y = h.zeros(n);
                  h.rb.activationForward(kind, alpha, h.in(xs), y, n);
                  return y;
                });
    float[] y = forward.apply(x);
    float[] dx =
        run(
            n,
            h -> {
              DeviceBuffer out = h.zeros(n);
              h.rb.activationBackward(kind, alpha, h.in(x), h.in(y), h.in(w), out, n);
              return out;
            });
    assertGradient("activationBackward " + kind, x, xs -> dot(w, forward.apply(xs)), dx, 0.01);
  }

  @Test
  void softmaxBackwardIsTheGradientOfSoftmax() {
    int rows = 3;
    int cols = 7;
    Inputs in = new Inputs(8);
    float[] x = in.uniform(rows * cols, -3, 3);
    float[] w = in.uniform(rows * cols, -1, 1);
    Function<float[], float[]> forward =
        xs ->
            run(
                xs.length,
                h -> {
                  DeviceBuffer y = h.zeros(xs.length);
                  h.rb.softmax(h.in(xs), y, rows, cols);
                  return y;
                });
    float[] y = forward.apply(x);
    float[] dx =
        run(
            x.length,
            h -> {
              DeviceBuffer out = h.zeros(x.length);
              h.rb.softmaxBackward(h.in(y), h.in(w), out, rows, cols);
              return out;
            });
    assertGradient("softmaxBackward", x, xs -> dot(w, forward.apply(xs)), dx, 0.01);
  }

  @ParameterizedTest
  @EnumSource(LossKind.class)
  void lossGradientIsTheGradientOfTheLoss(LossKind kind) {
    int rows = 4;
    int cols = 5;
    Inputs in = new Inputs(10 + kind.ordinal());
    boolean probabilities =
        kind == LossKind.CROSS_ENTROPY
            || kind == LossKind.CROSS_ENTROPY_SPARSE
            || kind == LossKind.BINARY_CROSS_ENTROPY;
    float[] pred =
        probabilities ? in.uniform(rows * cols, 0.1, 0.9) : in.uniform(rows * cols, -2, 2);
    float[] target =
        kind.sparseTargets()
            ? in.labels(rows, cols)
            : kind == LossKind.SOFTMAX_CROSS_ENTROPY || kind == LossKind.CROSS_ENTROPY
                ? in.distributions(rows, cols)
                : in.uniform(rows * cols, 0, 1);
    float[] ones = Inputs.filled(rows, 1f);
    float[] grad =
        run(
            pred.length,
            h -> {
              DeviceBuffer g = h.zeros(pred.length);
              h.rb.loss(kind, h.in(pred), h.in(target), rows, cols, h.zeros(rows), g, 1f);
              return g;
            });
    assertGradient(
        "loss " + kind,
        pred,
        ps ->
            dot(
                ones,
                run(
                    rows,
                    h -> {
                      DeviceBuffer l = h.zeros(rows);
                      h.rb.loss(kind, h.in(ps), h.in(target), rows, cols, l, null, 1f);
                      return l;
                    })),
        grad,
        1e-3);
  }

  @Test
  void batchNormBackwardIsTheGradientOfTrainingModeBatchNorm() {
    int rows = 12;
    int cols = 3;
    float eps = 1e-3f;
    Inputs in = new Inputs(20);
    float[] x = in.uniform(rows * cols, -1, 3);
    float[] gamma = in.uniform(cols, 0.5, 1.5);
    float[] beta = in.uniform(cols, -0.5, 0.5);
    float[] w = in.uniform(rows * cols, -1, 1);
    // Training mode: the statistics come from the same x, so they move with it.
    Function<float[][], float[]> forward =
        xgb ->
            run(
                rows * cols,
                h -> {
                  DeviceBuffer xb = h.in(xgb[0]);
                  DeviceBuffer mean = h.zeros(cols);
                  DeviceBuffer variance = h.zeros(cols);
                  h.rb.batchNormStatistics(xb, rows, cols, mean, variance);
                  DeviceBuffer y = h.zeros(rows * cols);
                  h.rb.batchNormApply(
                      xb, rows, cols, mean, variance, h.in(xgb[1]), h.in(xgb[2]), eps, y);
                  return y;
                });
    float[][] grads = new float[3][];
    try (Host h = new Host()) {
      DeviceBuffer xb = h.in(x);
      DeviceBuffer mean = h.zeros(cols);
      DeviceBuffer variance = h.zeros(cols);
      h.rb.batchNormStatistics(xb, rows, cols, mean, variance);
      DeviceBuffer dx = h.zeros(rows * cols);
      DeviceBuffer dGamma = h.zeros(cols);
      DeviceBuffer dBeta = h.zeros(cols);
      h.rb.batchNormBackward(
          xb, h.in(w), rows, cols, mean, variance, h.in(gamma), eps, dx, dGamma, dBeta);
      grads[0] = h.read(dx, rows * cols);
      grads[1] = h.read(dGamma, cols);
      grads[2] = h.read(dBeta, cols);
    }
    assertGradient(
        "batchNormBackward dx",
        x,
        xs -> dot(w, forward.apply(new float[][] {xs, gamma, beta})),
        grads[0],
        1e-2);
    assertGradient(
        "batchNormBackward dGamma",
        gamma,
        gs -> dot(w, forward.apply(new float[][] {x, gs, beta})),
        grads[1],
        1e-2);
    assertGradient(
        "batchNormBackward dBeta",
        beta,
        bs -> dot(w, forward.apply(new float[][] {x, gamma, bs})),
        grads[2],
        1e-2);
  }

  @ParameterizedTest
  @EnumSource(BinaryOp.class)
  void binaryBackwardIsTheGradientOfBinary(BinaryOp op) {
    int n = 40;
    Inputs in = new Inputs(30 + op.ordinal());
    // a and b kept apart (MAX and MIN's kink, the comparisons' steps) and b away from 0 (DIV's
    // pole); POW's base positive (a^b is NaN for a negative a and most b).
    float[] a = op == BinaryOp.POW ? in.uniform(n, 0.5, 2) : in.awayFromZero(n, 0.5, 2);
    float[] b = new float[n];
    for (int i = 0; i < n; i++) b[i] = a[i] + (i % 2 == 0 ? 0.3f : -0.3f) * Math.signum(a[i]);
    float[] w = in.uniform(n, -1, 1);
    Function<float[][], float[]> forward =
        ab ->
            run(
                n,
                h -> {
                  DeviceBuffer out = h.zeros(n);
                  h.rb.binary(op, h.in(ab[0]), h.in(ab[1]), out, n);
                  return out;
                });
    float[][] grads = new float[2][];
    try (Host h = new Host()) {
      DeviceBuffer da = h.zeros(n);
      DeviceBuffer db = h.zeros(n);
      h.rb.binaryBackward(op, h.in(a), h.in(b), h.in(w), da, db, n);
      grads[0] = h.read(da, n);
      grads[1] = h.read(db, n);
    }
    assertGradient(
        "binaryBackward da " + op,
        a,
        as -> dot(w, forward.apply(new float[][] {as, b})),
        grads[0],
        1e-2);
    assertGradient(
        "binaryBackward db " + op,
        b,
        bs -> dot(w, forward.apply(new float[][] {a, bs})),
        grads[1],
        1e-2);
  }

  /** Every UnaryOp on its domain (positive x for LOG, the roots and POW), POW at each exponent. */
  static List<Arguments> unaryOps() {
    List<Arguments> ops = new ArrayList<>();
    for (UnaryOp op : UnaryOp.values()) {
      for (float alpha : op == UnaryOp.POW ? UnaryChecks.EXPONENTS : List.of(0f)) {
        ops.add(Arguments.of(op, alpha));
      }
    }
    return ops;
  }

  @ParameterizedTest(name = "{0} alpha={1}")
  @MethodSource("unaryOps")
  void unaryBackwardIsTheGradientOfUnary(UnaryOp op, float alpha) {
    int n = 64;
    Inputs in = new Inputs(50 + op.ordinal());
    boolean positive =
        switch (op) {
          case SQRT, RSQRT, LOG, POW -> true;
          default -> false;
        };
    // Away from 0: ABS's kink, SIGN's step, RECIPROCAL's pole.
    float[] x = positive ? in.uniform(n, 0.5, 3) : in.awayFromZero(n, 0.2, 3);
    float[] w = in.uniform(n, -1, 1);
    Function<float[], float[]> forward =
        xs ->
            run(
                n,
                h -> {
                  DeviceBuffer y = h.zeros(n);
                  h.rb.unary(op, alpha, h.in(xs), y, n);
                  return y;
                });
    float[] y = forward.apply(x);
    float[] dx =
        run(
            n,
            h -> {
              DeviceBuffer out = h.zeros(n);
              h.rb.unaryBackward(op, alpha, h.in(x), h.in(y), h.in(w), out, n);
              return out;
            });
    assertGradient(
        "unaryBackward " + op + " alpha=" + alpha, x, xs -> dot(w, forward.apply(xs)), dx, 1e-2);
  }

  /** A linear op: the backward must be its exact adjoint, {@code <R x, w> = <x, R^T w>}. */
  @Test
  void resizeBilinearBackwardIsTheAdjointOfResize() {
    int[][] geometries = {{2, 3, 4, 2, 7, 5}, {1, 7, 9, 3, 3, 4}, {1, 1, 1, 2, 3, 2}};
    for (int[] g : geometries) {
      int n = g[0], hh = g[1], ww = g[2], c = g[3], outH = g[4], outW = g[5];
      Inputs in = new Inputs(40 + hh);
      float[] x = in.uniform(n * hh * ww * c, -1, 1);
      float[] w = in.uniform(n * outH * outW * c, -1, 1);
      float[] y =
          run(
              w.length,
              h -> {
                DeviceBuffer out = h.zeros(w.length);
                h.rb.resizeBilinear(h.in(x), n, hh, ww, c, outH, outW, out);
                return out;
              });
      float[] dx =
          run(
              x.length,
              h -> {
                DeviceBuffer out = h.zeros(x.length);
                h.rb.resizeBilinearBackward(h.in(w), n, hh, ww, c, outH, outW, out);
                return out;
              });
      assertEquals(dot(y, w), dot(x, dx), 1e-4, "adjoint of the resize " + hh + "x" + ww);
    }
  }

  @Test
  void layerNormBackwardIsTheGradientOfLayerNorm() {
    int rows = 4;
    int cols = 6;
    float eps = 1e-3f;
    Inputs in = new Inputs(50);
    float[] x = in.uniform(rows * cols, -1, 3);
    float[] gamma = in.uniform(cols, 0.5, 1.5);
    float[] beta = in.uniform(cols, -0.5, 0.5);
    float[] w = in.uniform(rows * cols, -1, 1);
    Function<float[][], float[]> forward =
        xgb ->
            run(
                rows * cols,
                h -> {
                  DeviceBuffer y = h.zeros(rows * cols);
                  h.rb.layerNormForward(
                      h.in(xgb[0]),
                      rows,
                      cols,
                      h.in(xgb[1]),
                      h.in(xgb[2]),
                      eps,
                      y,
                      h.zeros(rows),
                      h.zeros(rows));
                  return y;
                });
    float[][] grads = new float[3][];
    try (Host h = new Host()) {
      DeviceBuffer xb = h.in(x);
      DeviceBuffer mean = h.zeros(rows);
      DeviceBuffer rstd = h.zeros(rows);
      h.rb.layerNormForward(
          xb, rows, cols, h.in(gamma), h.in(beta), eps, h.zeros(rows * cols), mean, rstd);
      DeviceBuffer dx = h.zeros(rows * cols);
      DeviceBuffer dGamma = h.zeros(cols);
      DeviceBuffer dBeta = h.zeros(cols);
      h.rb.layerNormBackward(xb, h.in(w), rows, cols, mean, rstd, h.in(gamma), dx, dGamma, dBeta);
      grads[0] = h.read(dx, rows * cols);
      grads[1] = h.read(dGamma, cols);
      grads[2] = h.read(dBeta, cols);
    }
    assertGradient(
        "layerNormBackward dx",
        x,
        xs -> dot(w, forward.apply(new float[][] {xs, gamma, beta})),
        grads[0],
        1e-2);
    assertGradient(
        "layerNormBackward dGamma",
        gamma,
        gs -> dot(w, forward.apply(new float[][] {x, gs, beta})),
        grads[1],
        1e-2);
    assertGradient(
        "layerNormBackward dBeta",
        beta,
        bs -> dot(w, forward.apply(new float[][] {x, gamma, bs})),
        grads[2],
        1e-2);
  }
}
