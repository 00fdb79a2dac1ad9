package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.Pool2dSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The suite can fail: each case plants one bug in a healthy {@link ReferenceBackend} (a {@link
 * ForwardingBackend} that changes one op) and asserts that the area's checks, run over all their
 * cases, throw {@link AssertionError}. The same checks must pass on the healthy backend first, so a
 * break is caught for the right reason.
 */
class PlantedBreaksTest {

  /** One planted bug and the suite checks that must report it. */
  record Break(String name, UnaryOperator<Backend> plant, BiConsumer<Backend, Backend> checks) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("breaks")
  void theSuiteReportsThePlantedBreak(Break b) {
    try (ReferenceBackend healthy = new ReferenceBackend();
        ReferenceBackend oracle = new ReferenceBackend()) {
      assertDoesNotThrow(
          () -> b.checks().accept(healthy, oracle), "the checks pass on the healthy backend");
      Backend broken = b.plant().apply(healthy);
      assertThrows(
          AssertionError.class,
          () -> b.checks().accept(broken, oracle),
          "the suite misses: " + b.name());
    }
  }

  // ---------------------------------------------------------------- the checks, per area

  /** Runs {@code check} over every case: the first disagreement throws. */
  private static <K, C> BiConsumer<Backend, Backend> every(
      List<C> cases,
      java.util.function.BiFunction<Backend, Backend, K> checks,
      BiConsumer<K, C> check) {
    return (underTest, reference) -> {
      K k = checks.apply(underTest, reference);
      cases.forEach(c -> check.accept(k, c));
    };
  }

  private static BiConsumer<Backend, Backend> conv(
      BiConsumer<ConvolutionChecks, ConvolutionChecks.ConvCase> op) {
    return every(ConvolutionChecks.cases(), ConvolutionChecks::new, op);
  }

  private static BiConsumer<Backend, Backend> convGeometries(
      BiConsumer<ConvolutionChecks, ConvolutionChecks.ConvCase> op) {
    return every(ConvolutionChecks.geometries(), ConvolutionChecks::new, op);
  }

  static List<Break> breaks() {
    return List.of(
        new Break(
            "conv2dBackwardFilter transposes the kernel gradient (ky <-> kx)",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void conv2dBackwardFilter(
                      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
                    super.conv2dBackwardFilter(s, x, dy, dKernel);
                    if (s.kh() != s.kw()) return;
                    float[] k = read(delegate, dKernel);
                    float[] t = new float[k.length];
                    int inner = (int) (s.kernelLength() / (s.kh() * s.kw()));
                    for (int ky = 0; ky < s.kh(); ky++) {
                      for (int kx = 0; kx < s.kw(); kx++) {
                        System.arraycopy(
                            k, (kx * s.kw() + ky) * inner, t, (ky * s.kw() + kx) * inner, inner);
                      }
                    }
                    write(delegate, dKernel, t);
                  }
                },
            conv(ConvolutionChecks::backwardFilter)),
        new Break(
            "conv2dBackwardFused ignores the activation's derivative",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void conv2dBackwardFused(
                      Conv2dSpec s,
                      DeviceBuffer x,
                      DeviceBuffer kernel,
                      DeviceBuffer y,
                      DeviceBuffer dy,
                      ActivationKind kind,
                      float alpha,
                      DeviceBuffer dx,
                      DeviceBuffer dKernel,
                      DeviceBuffer dBias) {
                    super.conv2dBackwardFused(
                        s, x, kernel, y, dy, ActivationKind.LINEAR, 0f, dx, dKernel, dBias);
                  }
                },
            every(
                ConvolutionChecks.fusedBackwardCases(),
                ConvolutionChecks::new,
                ConvolutionChecks::backwardFused)),
        new Break(
            "conv2dForwardFused drops the bias",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void conv2dForwardFused(
                      Conv2dSpec s,
                      DeviceBuffer x,
                      DeviceBuffer kernel,
                      DeviceBuffer bias,
                      ActivationKind kind,
                      float alpha,
                      DeviceBuffer y) {
                    super.conv2dForwardFused(s, x, kernel, null, kind, alpha, y);
                  }
                },
            every(
                ConvolutionChecks.fusedForwardCases(),
                ConvolutionChecks::new,
                ConvolutionChecks::forwardFused)),
        new Break(
            "biasAdd drops the bias",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {}
                },
            every(ReductionChecks.biasCases(), ReductionChecks::new, ReductionChecks::biasAdd)),
        new Break(
            "conv2dForward pads one row too many at the top",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void conv2dForward(
                      Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
                    super.conv2dForward(
                        new Conv2dSpec(
                            s.n(),
                            s.h(),
                            s.w(),
                            s.c(),
                            s.kh(),
                            s.kw(),
                            s.filters(),
                            s.strideH(),
                            s.strideW(),
                            s.padTop() + 1,
                            s.padLeft(),
                            s.dilationH(),
                            s.dilationW(),
                            s.groups(),
                            s.outH(),
                            s.outW()),
                        x,
                        kernel,
                        y);
                  }
                },
            conv(ConvolutionChecks::forward)),
        new Break(
            "conv2dBackwardData adds into dx instead of overwriting it",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void conv2dBackwardData(
                      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
                    float[] before = read(delegate, dx);
                    super.conv2dBackwardData(s, dy, kernel, dx);
                    float[] after = read(delegate, dx);
                    for (int i = 0; i < after.length; i++) after[i] += before[i];
                    write(delegate, dx, after);
                  }
                },
            conv(ConvolutionChecks::backwardData)),
        new Break(
            "im2col puts the channel outermost in a column",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void im2col(
                      Conv2dSpec s,
                      DeviceBuffer x,
                      int first,
                      int count,
                      int group,
                      DeviceBuffer cols) {
                    super.im2col(s, x, first, count, group, cols);
                    int cg = s.c() / s.groups();
                    int taps = s.kh() * s.kw();
                    int width = taps * cg;
                    float[] v = read(delegate, cols);
                    float[] out = v.clone();
                    for (int row = 0; row < count * s.outH() * s.outW(); row++) {
                      for (int tap = 0; tap < taps; tap++) {
                        for (int ci = 0; ci < cg; ci++)
                          out[row * width + ci * taps + tap] = v[row * width + tap * cg + ci];
                      }
                    }
                    write(delegate, cols, out);
                  }
                },
            convGeometries(ConvolutionChecks::im2col)),
        new Break(
            "im2col reads the next channel group",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void im2col(
                      Conv2dSpec s,
                      DeviceBuffer x,
                      int first,
                      int count,
                      int group,
                      DeviceBuffer cols) {
                    super.im2col(s, x, first, count, (group + 1) % s.groups(), cols);
                  }
                },
            convGeometries(ConvolutionChecks::im2col)),
        new Break(
            "col2im overwrites dx instead of adding",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void col2im(
                      Conv2dSpec s,
                      DeviceBuffer cols,
                      int first,
                      int count,
                      int group,
                      DeviceBuffer dx) {
                    delegate.fill(dx, 0, dx.length(), 0f);
                    super.col2im(s, cols, first, count, group, dx);
                  }
                },
            convGeometries(ConvolutionChecks::col2im)),
        new Break(
            "gemm reads C when beta is 0 (NaN leaks)",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void gemm(
                      boolean transA,
                      boolean transB,
                      int m,
                      int n,
                      int k,
                      float alpha,
                      DeviceBuffer a,
                      long aOffset,
                      int lda,
                      DeviceBuffer bb,
                      long bOffset,
                      int ldb,
                      float beta,
                      DeviceBuffer c,
                      long cOffset,
                      int ldc) {
                    super.gemm(
                        transA,
                        transB,
                        m,
                        n,
                        k,
                        alpha,
                        a,
                        aOffset,
                        lda,
                        bb,
                        bOffset,
                        ldb,
                        beta == 0f ? Float.MIN_VALUE : beta,
                        c,
                        cOffset,
                        ldc);
                  }
                },
            every(GemmChecks.cases(), GemmChecks::new, GemmChecks::gemm)),
        new Break(
            "gemm ignores lda (assumes A packed)",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void gemm(
                      boolean transA,
                      boolean transB,
                      int m,
                      int n,
                      int k,
                      float alpha,
                      DeviceBuffer a,
                      long aOffset,
                      int lda,
                      DeviceBuffer bb,
                      long bOffset,
                      int ldb,
                      float beta,
                      DeviceBuffer c,
                      long cOffset,
                      int ldc) {
                    super.gemm(
                        transA,
                        transB,
                        m,
                        n,
                        k,
                        alpha,
                        a,
                        aOffset,
                        transA ? m : k,
                        bb,
                        bOffset,
                        ldb,
                        beta,
                        c,
                        cOffset,
                        ldc);
                  }
                },
            every(GemmChecks.cases(), GemmChecks::new, GemmChecks::gemm)),
        new Break(
            "max pooling gives ties to the last maximum",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void maxPool2dBackward(
                      Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
                    write(delegate, dx, lastMaxBackward(s, read(delegate, x), read(delegate, dy)));
                  }
                },
            (u, r) -> new PoolingChecks(u, r).maxPoolTies()),
        new Break(
            "average pooling counts padded positions",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
                    super.avgPool2dForward(s, x, y);
                    float[] v = read(delegate, y);
                    float[] valid = validCounts(s);
                    for (int i = 0; i < v.length; i++) v[i] *= valid[i] / (s.poolH() * s.poolW());
                    write(delegate, y, v);
                  }
                },
            every(PoolingChecks.cases(), PoolingChecks::new, PoolingChecks::avgForward)),
        new Break(
            "sigmoid backward recomputes the output from x",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void activationBackward(
                      ActivationKind kind,
                      float alpha,
                      DeviceBuffer x,
                      DeviceBuffer y,
                      DeviceBuffer dy,
                      DeviceBuffer dx,
                      long n) {
                    if (kind != ActivationKind.SIGMOID) {
                      super.activationBackward(kind, alpha, x, y, dy, dx, n);
                      return;
                    }
                    try (DeviceBuffer recomputed = delegate.allocate(n)) {
                      delegate.activationForward(kind, alpha, x, recomputed, n);
                      super.activationBackward(kind, alpha, x, recomputed, dy, dx, n);
                    }
                  }
                },
            every(
                ElementwiseChecks.activationCases(),
                ElementwiseChecks::new,
                ElementwiseChecks::backward)),
        new Break(
            "LeakyReLU ignores alpha",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void activationForward(
                      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
                    super.activationForward(
                        kind, kind == ActivationKind.LEAKY_RELU ? 0.01f : alpha, x, y, n);
                  }
                },
            every(
                ElementwiseChecks.activationCases(),
                ElementwiseChecks::new,
                ElementwiseChecks::forward)),
        new Break(
            "SUB computes b - a",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void binary(
                      BinaryOp op, DeviceBuffer a, DeviceBuffer bb, DeviceBuffer out, long n) {
                    if (op == BinaryOp.SUB) super.binary(op, bb, a, out, n);
                    else super.binary(op, a, bb, out, n);
                  }
                },
            every(
                ElementwiseChecks.binaryCases(),
                ElementwiseChecks::new,
                ElementwiseChecks::binary)),
        new Break(
            "reduceMiddle ignores scale",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void reduceMiddle(
                      DeviceBuffer x,
                      int outer,
                      int mid,
                      int inner,
                      float scale,
                      DeviceBuffer out) {
                    super.reduceMiddle(x, outer, mid, inner, 1f, out);
                  }
                },
            every(
                ReductionChecks.reduceCases(),
                ReductionChecks::new,
                ReductionChecks::reduceMiddle)),
        new Break(
            "softmax without max-subtraction overflows",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
                    float[] v = read(delegate, x);
                    float[] out = new float[v.length];
                    for (int r = 0; r < rows; r++) {
                      float sum = 0;
                      for (int j = 0; j < cols; j++) sum += (float) Math.exp(v[r * cols + j]);
                      for (int j = 0; j < cols; j++)
                        out[r * cols + j] = (float) Math.exp(v[r * cols + j]) / sum;
                    }
                    write(delegate, y, out);
                  }
                },
            every(SoftmaxChecks.cases(), SoftmaxChecks::new, SoftmaxChecks::softmax)),
        new Break(
            "loss ignores gradScale",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void loss(
                      LossKind kind,
                      DeviceBuffer pred,
                      DeviceBuffer target,
                      int rows,
                      int cols,
                      DeviceBuffer lossPerRow,
                      DeviceBuffer grad,
                      float gradScale) {
                    super.loss(kind, pred, target, rows, cols, lossPerRow, grad, 1f);
                  }
                },
            every(LossChecks.cases(), LossChecks::new, LossChecks::loss)),
        new Break(
            "batch-norm statistics use the unbiased variance",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void batchNormStatistics(
                      DeviceBuffer x,
                      int rows,
                      int cols,
                      DeviceBuffer mean,
                      DeviceBuffer variance) {
                    super.batchNormStatistics(x, rows, cols, mean, variance);
                    if (rows > 1) delegate.axpby(0f, variance, rows / (rows - 1f), variance, cols);
                  }
                },
            every(BatchNormChecks.cases(), BatchNormChecks::new, BatchNormChecks::statistics)),
        new Break(
            "dropout mask shifted by one element",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
                    // uniform(seed + golden, i) == uniform(seed, i + 1): every element takes its
                    // neighbour's draw.
                    super.dropoutMask(seed + 0x9E3779B97F4A7C15L, rate, mask, n);
                  }
                },
            every(DropoutChecks.cases(), DropoutChecks::new, DropoutChecks::matchesReference)),
        new Break(
            "Adam bias correction one step ahead",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void adamStep(
                      DeviceBuffer param,
                      DeviceBuffer grad,
                      DeviceBuffer m,
                      DeviceBuffer v,
                      long n,
                      float lr,
                      float beta1,
                      float beta2,
                      float eps,
                      long t,
                      float weightDecay) {
                    super.adamStep(param, grad, m, v, n, lr, beta1, beta2, eps, t + 1, weightDecay);
                  }
                },
            every(OptimizerChecks.cases(), OptimizerChecks::new, OptimizerChecks::steps)),
        new Break(
            "Nesterov step is plain momentum",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void sgdStep(
                      DeviceBuffer param,
                      DeviceBuffer grad,
                      DeviceBuffer velocity,
                      long n,
                      float lr,
                      float momentum,
                      boolean nesterov) {
                    super.sgdStep(param, grad, velocity, n, lr, momentum, false);
                  }
                },
            every(OptimizerChecks.cases(), OptimizerChecks::new, OptimizerChecks::steps)),
        new Break(
            "RMSprop swaps rho and 1 - rho",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void rmspropStep(
                      DeviceBuffer param,
                      DeviceBuffer grad,
                      DeviceBuffer meanSquare,
                      long n,
                      float lr,
                      float rho,
                      float eps) {
                    super.rmspropStep(param, grad, meanSquare, n, lr, 1 - rho, eps);
                  }
                },
            every(OptimizerChecks.cases(), OptimizerChecks::new, OptimizerChecks::steps)),
        new Break(
            "copy ignores the source offset",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void copy(
                      DeviceBuffer src,
                      long srcOffset,
                      DeviceBuffer dst,
                      long dstOffset,
                      long len) {
                    super.copy(src, 0, dst, dstOffset, len);
                  }
                },
            every(MemoryChecks.cases(), MemoryChecks::new, MemoryChecks::copy)),
        new Break(
            "fill leaks a scratch buffer",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void fill(DeviceBuffer buf, long offset, long len, float value) {
                    delegate.allocate(16); // never closed
                    super.fill(buf, offset, len, value);
                  }
                },
            every(MemoryChecks.cases(), MemoryChecks::new, MemoryChecks::fill)));
  }

  // ---------------------------------------------------------------- helpers for the breaks

  private static float[] read(Backend b, DeviceBuffer buffer) {
    float[] host = new float[(int) buffer.length()];
    b.download(buffer, 0, host, 0, host.length);
    return host;
  }

  private static void write(Backend b, DeviceBuffer buffer, float[] host) {
    b.upload(host, 0, buffer, 0, host.length);
  }

  /** Max pooling's gradient with the wrong tie rule: the last maximum in window order wins. */
  private static float[] lastMaxBackward(Pool2dSpec s, float[] x, float[] dy) {
    float[] dx = new float[x.length];
    forEachWindow(
        s,
        (out, taps) -> {
          int best = -1;
          for (int i : taps) if (best < 0 || x[i] >= x[best]) best = i;
          dx[best] += dy[out];
        });
    return dx;
  }

  /** How many in-bounds positions each output window covers. */
  private static float[] validCounts(Pool2dSpec s) {
    float[] counts = new float[(int) s.outputLength()];
    forEachWindow(s, (out, taps) -> counts[out] = taps.size());
    return counts;
  }

  private static void forEachWindow(Pool2dSpec s, BiConsumer<Integer, List<Integer>> visit) {
    for (int img = 0; img < s.n(); img++) {
      for (int oy = 0; oy < s.outH(); oy++) {
        for (int ox = 0; ox < s.outW(); ox++) {
          for (int ch = 0; ch < s.c(); ch++) {
            List<Integer> taps = new java.util.ArrayList<>();
            for (int py = 0; py < s.poolH(); py++) {
              for (int px = 0; px < s.poolW(); px++) {
                int iy = oy * s.strideH() - s.padTop() + py;
                int ix = ox * s.strideW() - s.padLeft() + px;
                if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w())
                  taps.add(((img * s.h() + iy) * s.w() + ix) * s.c() + ch);
              }
            }
            visit.accept(((img * s.outH() + oy) * s.outW() + ox) * s.c() + ch, taps);
          }
        }
      }
    }
  }
}
