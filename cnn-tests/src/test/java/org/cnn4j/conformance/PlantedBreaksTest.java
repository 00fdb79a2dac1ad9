package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
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
import org.cnn4j.spi.ReduceBlocks;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;
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
    List<Break> all = new ArrayList<>(layerOpBreaks());
    all.addAll(tensorOpBreaks());
    return all;
  }

  /** The ops layers use: convolution, GEMM, pooling, activations, the graph ops. */
  private static List<Break> layerOpBreaks() {
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
            "conv2dForwardResidual ignores the shortcut",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void conv2dForwardResidual(
                      Conv2dSpec s,
                      DeviceBuffer x,
                      DeviceBuffer kernel,
                      DeviceBuffer bias,
                      ActivationKind kind,
                      float alpha,
                      DeviceBuffer y) {
                    super.conv2dForwardFused(s, x, kernel, bias, kind, alpha, y);
                  }
                },
            every(
                ConvolutionChecks.fusedForwardCases(),
                ConvolutionChecks::new,
                ConvolutionChecks::forwardResidual)),
        new Break(
            "conv2dForwardResidual's ReLU turns the shortcut's NaN into 0",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void conv2dForwardResidual(
                      Conv2dSpec s,
                      DeviceBuffer x,
                      DeviceBuffer kernel,
                      DeviceBuffer bias,
                      ActivationKind kind,
                      float alpha,
                      DeviceBuffer y) {
                    float[] shortcut = new float[(int) s.outputLength()];
                    download(y, 0, shortcut, 0, shortcut.length);
                    for (int i = 0; i < shortcut.length; i++) {
                      if (Float.isNaN(shortcut[i]))
                        shortcut[i] = kind == ActivationKind.RELU ? -1e30f : shortcut[i];
                    }
                    upload(shortcut, 0, y, 0, shortcut.length);
                    super.conv2dForwardResidual(s, x, kernel, bias, kind, alpha, y);
                  }
                },
            every(
                ConvolutionChecks.fusedForwardCases(),
                ConvolutionChecks::new,
                ConvolutionChecks::forwardResidual)),
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
            "batch-norm training call normalises with the variance before eps",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void batchNormTraining(
                      DeviceBuffer x,
                      int rows,
                      int cols,
                      DeviceBuffer gamma,
                      DeviceBuffer beta,
                      float eps,
                      DeviceBuffer mean,
                      DeviceBuffer variance,
                      DeviceBuffer y) {
                    super.batchNormTraining(x, rows, cols, gamma, beta, 0f, mean, variance, y);
                  }
                },
            every(BatchNormChecks.cases(), BatchNormChecks::new, BatchNormChecks::training)),
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
            every(MemoryChecks.cases(), MemoryChecks::new, MemoryChecks::fill)),
        new Break(
            "copyStrided ignores the destination offset",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void copyStrided(
                      DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
                    super.copyStrided(src, from, dst, new StridedView(0, to.shape(), to.strides()));
                  }
                },
            every(LayoutChecks.cases(), LayoutChecks::new, LayoutChecks::copy)),
        new Break(
            "binaryBroadcast reads b at the output index modulo b's size (no stride 0)",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void binaryBroadcast(
                      BinaryOp op,
                      DeviceBuffer a,
                      StridedView av,
                      DeviceBuffer bb,
                      StridedView bv,
                      DeviceBuffer out,
                      long outOffset) {
                    float[] x = read(delegate, a);
                    float[] y = read(delegate, bb);
                    float[] o = read(delegate, out);
                    long bSize = 1;
                    for (int i = 0; i < bv.rank(); i++) {
                      if (bv.strides()[i] != 0) bSize *= bv.shape()[i];
                    }
                    for (long i = 0; i < av.size(); i++) {
                      o[(int) (outOffset + i)] =
                          (float)
                              op.apply(x[(int) av.position(i)], y[(int) (bv.offset() + i % bSize)]);
                    }
                    write(delegate, out, o);
                  }
                },
            every(BinaryChecks.broadcastCases(), BinaryChecks::new, BinaryChecks::broadcast)),
        new Break(
            "binaryBackward gives MAX's ties to b",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void binaryBackward(
                      BinaryOp op,
                      DeviceBuffer a,
                      DeviceBuffer bb,
                      DeviceBuffer dy,
                      DeviceBuffer da,
                      DeviceBuffer db,
                      long n) {
                    if (op != BinaryOp.MAX) {
                      super.binaryBackward(op, a, bb, dy, da, db, n);
                      return;
                    }
                    float[] p = read(delegate, a);
                    float[] q = read(delegate, bb);
                    float[] g = read(delegate, dy);
                    float[] toA = new float[(int) n];
                    float[] toB = new float[(int) n];
                    for (int i = 0; i < n; i++) {
                      toA[i] = p[i] > q[i] ? g[i] : 0f;
                      toB[i] = p[i] > q[i] ? 0f : g[i];
                    }
                    if (da != null) delegate.upload(toA, 0, da, 0, (int) n);
                    if (db != null) delegate.upload(toB, 0, db, 0, (int) n);
                  }
                },
            every(BinaryChecks.backwardCases(), BinaryChecks::new, BinaryChecks::backward)),
        new Break(
            "binary MAX drops NaN (fmax)",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void binary(
                      BinaryOp op, DeviceBuffer a, DeviceBuffer bb, DeviceBuffer out, long n) {
                    if (op != BinaryOp.MAX) {
                      super.binary(op, a, bb, out, n);
                      return;
                    }
                    float[] p = read(delegate, a);
                    float[] q = read(delegate, bb);
                    float[] o = new float[(int) n];
                    for (int i = 0; i < n; i++) {
                      o[i] =
                          Float.isNaN(p[i])
                              ? q[i]
                              : Float.isNaN(q[i]) ? p[i] : Math.max(p[i], q[i]);
                    }
                    delegate.upload(o, 0, out, 0, (int) n);
                  }
                },
            every(BinaryChecks.nanCases(), BinaryChecks::new, BinaryChecks::binaryWithNaN)),
        new Break(
            "reduce drops the scale",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void reduce(
                      ReduceOp op,
                      DeviceBuffer x,
                      int[] shape,
                      int[] axes,
                      float scale,
                      DeviceBuffer out) {
                    super.reduce(op, x, shape, axes, 1f, out);
                  }
                },
            every(ReductionChecks.axesCases(), ReductionChecks::new, ReductionChecks::reduce)),
        new Break(
            "reduce MAX and MIN skip NaN",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void reduce(
                      ReduceOp op,
                      DeviceBuffer x,
                      int[] shape,
                      int[] axes,
                      float scale,
                      DeviceBuffer out) {
                    if (op != ReduceOp.MAX && op != ReduceOp.MIN) {
                      super.reduce(op, x, shape, axes, scale, out);
                      return;
                    }
                    float[] v = read(delegate, x);
                    float skip =
                        op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
                    for (int i = 0; i < v.length; i++) if (Float.isNaN(v[i])) v[i] = skip;
                    try (DeviceBuffer clean = delegate.allocate(v.length)) {
                      write(delegate, clean, v);
                      super.reduce(op, clean, shape, axes, scale, out);
                    }
                  }
                },
            every(ReductionChecks.axesCases(), ReductionChecks::new, ReductionChecks::reduce)),
        new Break(
            "resizeBilinear samples corner-aligned (align_corners) instead of half-pixel",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void resizeBilinear(
                      DeviceBuffer x,
                      int n,
                      int h,
                      int w,
                      int c,
                      int outH,
                      int outW,
                      DeviceBuffer y) {
                    write(
                        delegate,
                        y,
                        cornerAlignedResize(read(delegate, x), n, h, w, c, outH, outW));
                  }
                },
            every(ResizeChecks.cases(), ResizeChecks::new, ResizeChecks::forward)),
        new Break(
            "resizeBilinearBackward adds into dx instead of overwriting it",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void resizeBilinearBackward(
                      DeviceBuffer dy,
                      int n,
                      int h,
                      int w,
                      int c,
                      int outH,
                      int outW,
                      DeviceBuffer dx) {
                    float[] before = read(delegate, dx);
                    super.resizeBilinearBackward(dy, n, h, w, c, outH, outW, dx);
                    float[] after = read(delegate, dx);
                    for (int i = 0; i < after.length; i++) after[i] += before[i];
                    write(delegate, dx, after);
                  }
                },
            every(ResizeChecks.cases(), ResizeChecks::new, ResizeChecks::backward)),
        new Break(
            "layerNormForward uses the unbiased variance",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void layerNormForward(
                      DeviceBuffer x,
                      int rows,
                      int cols,
                      DeviceBuffer gamma,
                      DeviceBuffer beta,
                      float eps,
                      DeviceBuffer y,
                      DeviceBuffer mean,
                      DeviceBuffer rstd) {
                    float[] v = read(delegate, x);
                    float[] g = gamma == null ? null : read(delegate, gamma);
                    float[] bt = beta == null ? null : read(delegate, beta);
                    float[] out = new float[rows * cols];
                    float[] m = new float[rows];
                    float[] r = new float[rows];
                    for (int row = 0; row < rows; row++) {
                      double sum = 0;
                      for (int j = 0; j < cols; j++) sum += v[row * cols + j];
                      double mu = sum / cols;
                      double sq = 0;
                      for (int j = 0; j < cols; j++) sq += Math.pow(v[row * cols + j] - mu, 2);
                      double inv = 1 / Math.sqrt(sq / Math.max(cols - 1, 1) + eps);
                      for (int j = 0; j < cols; j++) {
                        double o = (v[row * cols + j] - mu) * inv;
                        if (g != null) o *= g[j];
                        if (bt != null) o += bt[j];
                        out[row * cols + j] = (float) o;
                      }
                      m[row] = (float) mu;
                      r[row] = (float) inv;
                    }
                    delegate.upload(out, 0, y, 0, out.length);
                    delegate.upload(m, 0, mean, 0, rows);
                    delegate.upload(r, 0, rstd, 0, rows);
                  }
                },
            every(LayerNormChecks.cases(), LayerNormChecks::new, LayerNormChecks::forward)),
        new Break(
            "layerNormBackward leaves gamma out of dx",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void layerNormBackward(
                      DeviceBuffer x,
                      DeviceBuffer dy,
                      int rows,
                      int cols,
                      DeviceBuffer mean,
                      DeviceBuffer rstd,
                      DeviceBuffer gamma,
                      DeviceBuffer dx,
                      DeviceBuffer dGamma,
                      DeviceBuffer dBeta) {
                    super.layerNormBackward(x, dy, rows, cols, mean, rstd, null, dx, dGamma, dBeta);
                  }
                },
            every(LayerNormChecks.cases(), LayerNormChecks::new, LayerNormChecks::backward)),
        new Break(
            "GELU computed in its tanh form",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void activationForward(
                      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
                    super.activationForward(
                        kind == ActivationKind.GELU ? ActivationKind.GELU_TANH : kind,
                        alpha,
                        x,
                        y,
                        n);
                  }
                },
            every(
                ElementwiseChecks.activationCases(),
                ElementwiseChecks::new,
                ElementwiseChecks::forward)),
        new Break(
            "SELU without its scale",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void activationForward(
                      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
                    if (kind == ActivationKind.SELU) {
                      super.activationForward(
                          ActivationKind.ELU, (float) ActivationKind.SELU_ALPHA, x, y, n);
                    } else {
                      super.activationForward(kind, alpha, x, y, n);
                    }
                  }
                },
            every(
                ElementwiseChecks.activationCases(),
                ElementwiseChecks::new,
                ElementwiseChecks::forward)),
        new Break(
            "hard sigmoid as Keras 2's 0.2 x + 0.5",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void activationForward(
                      ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
                    if (kind != ActivationKind.HARD_SIGMOID) {
                      super.activationForward(kind, alpha, x, y, n);
                      return;
                    }
                    float[] v = read(delegate, x);
                    float[] o = new float[(int) n];
                    for (int i = 0; i < n; i++)
                      o[i] = Math.min(Math.max(0.2f * v[i] + 0.5f, 0f), 1f);
                    delegate.upload(o, 0, y, 0, (int) n);
                  }
                },
            every(
                ElementwiseChecks.activationCases(),
                ElementwiseChecks::new,
                ElementwiseChecks::forward)),
        new Break(
            "ELU backward takes the derivative from x (wrong in place)",
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
                    if (kind != ActivationKind.ELU) {
                      super.activationBackward(kind, alpha, x, y, dy, dx, n);
                      return;
                    }
                    float[] v = read(delegate, x);
                    float[] g = read(delegate, dy);
                    float[] o = new float[(int) n];
                    for (int i = 0; i < n; i++) {
                      o[i] = v[i] > 0 ? g[i] : (float) (g[i] * alpha * Math.exp(v[i]));
                    }
                    delegate.upload(o, 0, dx, 0, (int) n);
                  }
                },
            every(
                ElementwiseChecks.activationCases(),
                ElementwiseChecks::new,
                ElementwiseChecks::backward)),
        new Break(
            "biasActivationForward treats Keras 3's activations as linear",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void biasActivationForward(
                      ActivationKind kind,
                      float alpha,
                      DeviceBuffer y,
                      DeviceBuffer bias,
                      int rows,
                      int cols) {
                    boolean added = kind.ordinal() > ActivationKind.LEAKY_RELU.ordinal();
                    super.biasActivationForward(
                        added ? ActivationKind.LINEAR : kind, alpha, y, bias, rows, cols);
                  }
                },
            every(
                EpilogueChecks.biasActivationCases(),
                EpilogueChecks::new,
                EpilogueChecks::biasActivation)),
        new Break(
            "activationBackwardBias differentiates GELU at y instead of rejecting it",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void activationBackwardBias(
                      ActivationKind kind,
                      float alpha,
                      DeviceBuffer y,
                      DeviceBuffer dy,
                      DeviceBuffer dz,
                      int rows,
                      int cols,
                      DeviceBuffer dBias) {
                    if (kind.derivativeFromOutput()) {
                      super.activationBackwardBias(kind, alpha, y, dy, dz, rows, cols, dBias);
                      return;
                    }
                    delegate.activationBackward(kind, alpha, y, y, dy, dz, (long) rows * cols);
                    if (dBias != null) delegate.reduceMiddle(dz, 1, rows, cols, 1f, dBias);
                  }
                },
            (u, r) ->
                EpilogueChecks.inputDerivativeKinds()
                    .forEach(k -> new EpilogueChecks(u, r).rejectsInputDerivative(k))),
        new Break(
            "conv2dForwardFused ignores alpha (relu6 uncapped)",
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
                    float a = kind == ActivationKind.CLIPPED_RELU ? Float.MAX_VALUE : alpha;
                    super.conv2dForwardFused(s, x, kernel, bias, kind, a, y);
                  }
                },
            every(
                EpilogueChecks.fusedForwardCases(),
                EpilogueChecks::new,
                EpilogueChecks::fusedForward)),
        new Break(
            "conv2dBackwardFused drops SELU's scale from its derivative",
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
                    if (kind != ActivationKind.SELU) {
                      super.conv2dBackwardFused(
                          s, x, kernel, y, dy, kind, alpha, dx, dKernel, dBias);
                      return;
                    }
                    try (DeviceBuffer unscaled = delegate.allocate(s.outputLength())) {
                      delegate.axpby(
                          (float) (1 / ActivationKind.SELU_SCALE),
                          y,
                          0f,
                          unscaled,
                          s.outputLength());
                      super.conv2dBackwardFused(
                          s,
                          x,
                          kernel,
                          unscaled,
                          dy,
                          ActivationKind.ELU,
                          (float) ActivationKind.SELU_ALPHA,
                          dx,
                          dKernel,
                          dBias);
                    }
                  }
                },
            every(
                EpilogueChecks.fusedBackwardCases(),
                EpilogueChecks::new,
                EpilogueChecks::fusedBackward)));
  }

  /**
   * The ops org.cnn4j.ops builds on, at least one plausible bug each: every UnaryOp, POW and the
   * comparisons (same shape, broadcast, backward), ARGMAX and ARGMIN.
   */
  private static List<Break> tensorOpBreaks() {
    return List.of(
        unaryBackwardBreak("NEG backward passes dy unchanged", UnaryOp.NEG, (x, y, a, g) -> g),
        unaryBackwardBreak(
            "ABS backward gives dy at 0 (sign(0) taken as 1)",
            UnaryOp.ABS,
            (x, y, a, g) -> x >= 0 ? g : -g),
        unaryForwardBreak(
            "SIGN gives 0 for NaN (OpenCL's sign())",
            UnaryOp.SIGN,
            (x, a) -> Double.isNaN(x) ? 0 : Math.signum(x)),
        unaryBackwardBreak("SQUARE backward without the 2", UnaryOp.SQUARE, (x, y, a, g) -> g * x),
        unaryBackwardBreak(
            "SQRT backward divides by x instead of y", UnaryOp.SQRT, (x, y, a, g) -> g * 0.5 / x),
        unaryBackwardBreak(
            "RSQRT backward misses the -1/2", UnaryOp.RSQRT, (x, y, a, g) -> g * y / x),
        unaryBackwardBreak(
            "RECIPROCAL backward without the minus", UnaryOp.RECIPROCAL, (x, y, a, g) -> g * y * y),
        unaryBackwardBreak(
            "EXP backward multiplies by x instead of y", UnaryOp.EXP, (x, y, a, g) -> g * x),
        unaryBackwardBreak(
            "LOG backward divides by y instead of x", UnaryOp.LOG, (x, y, a, g) -> g / y),
        unaryForwardBreak("POW ignores alpha (squares)", UnaryOp.POW, (x, a) -> x * x),
        unaryBackwardBreak(
            "POW backward without alpha 0's rule (0 * x^-1 is NaN at x = 0)",
            UnaryOp.POW,
            (x, y, a, g) -> g * a * Math.pow(x, a - 1)),
        unaryBackwardBreak("SIN backward as -cos", UnaryOp.SIN, (x, y, a, g) -> -g * Math.cos(x)),
        unaryBackwardBreak(
            "COS backward without the minus", UnaryOp.COS, (x, y, a, g) -> g * Math.sin(x)),
        powBackwardBreak("POW's db without the log", (p, q, d) -> d * Math.pow(p, q)),
        powBackwardBreak(
            "POW's db without the zero-base rule (0 * -inf at a = 0)",
            (p, q, d) -> d * Math.pow(p, q) * Math.log(p)),
        binaryBreak(
            "GREATER computed as GREATER_EQUAL", BinaryOp.GREATER, (p, q) -> p >= q ? 1 : 0),
        binaryBreak(
            "GREATER_EQUAL computed as GREATER", BinaryOp.GREATER_EQUAL, (p, q) -> p > q ? 1 : 0),
        binaryBreak("LESS with its operands swapped", BinaryOp.LESS, (p, q) -> q < p ? 1 : 0),
        binaryBreak(
            "LESS_EQUAL as !(a > b), true for NaN",
            BinaryOp.LESS_EQUAL,
            (p, q) -> !(p > q) ? 1 : 0),
        binaryBreak(
            "EQUAL compares bits (NaN == NaN)",
            BinaryOp.EQUAL,
            (p, q) -> Double.doubleToLongBits(p) == Double.doubleToLongBits(q) ? 1 : 0),
        binaryBreak(
            "NOT_EQUAL as a < b || a > b, false for NaN",
            BinaryOp.NOT_EQUAL,
            (p, q) -> p < q || p > q ? 1 : 0),
        new Break(
            "binaryBroadcast's GREATER computed as GREATER_EQUAL",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void binaryBroadcast(
                      BinaryOp op,
                      DeviceBuffer a,
                      StridedView av,
                      DeviceBuffer bb,
                      StridedView bv,
                      DeviceBuffer out,
                      long outOffset) {
                    BinaryOp planted = op == BinaryOp.GREATER ? BinaryOp.GREATER_EQUAL : op;
                    super.binaryBroadcast(planted, a, av, bb, bv, out, outOffset);
                  }
                },
            every(BinaryChecks.broadcastCases(), BinaryChecks::new, BinaryChecks::broadcast)),
        new Break(
            "binaryBackward passes dy through the comparisons (as ADD)",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void binaryBackward(
                      BinaryOp op,
                      DeviceBuffer a,
                      DeviceBuffer bb,
                      DeviceBuffer dy,
                      DeviceBuffer da,
                      DeviceBuffer db,
                      long n) {
                    BinaryOp planted = op.comparison() ? BinaryOp.ADD : op;
                    super.binaryBackward(planted, a, bb, dy, da, db, n);
                  }
                },
            every(BinaryChecks.backwardCases(), BinaryChecks::new, BinaryChecks::backward)),
        argBreak("ARGMAX returns the last maximum", ReduceOp.ARGMAX, ArgRule.LAST),
        argBreak("ARGMAX ignores NaN", ReduceOp.ARGMAX, ArgRule.SKIP_NAN),
        argBreak("ARGMIN returns the last minimum", ReduceOp.ARGMIN, ArgRule.LAST),
        argBreak(
            "ARGMIN counts NaN as the largest (never the minimum)",
            ReduceOp.ARGMIN,
            ArgRule.SKIP_NAN),
        argBreak(
            "ARGMAX counts positions along the innermost reduced axis only",
            ReduceOp.ARGMAX,
            ArgRule.INNERMOST),
        new Break(
            "ARGMIN multiplies its positions by the scale",
            b ->
                new ForwardingBackend(b) {
                  @Override
                  public void reduce(
                      ReduceOp op,
                      DeviceBuffer x,
                      int[] shape,
                      int[] axes,
                      float scale,
                      DeviceBuffer out) {
                    super.reduce(op, x, shape, axes, scale, out);
                    if (op == ReduceOp.ARGMIN) {
                      delegate.axpby(scale, out, 0f, out, ReduceBlocks.of(shape, axes).keptSize());
                    }
                  }
                },
            every(ReductionChecks.axesCases(), ReductionChecks::new, ReductionChecks::reduce)));
  }

  // ---------------------------------------------------------------- break builders

  /** One unary op's value in double precision. */
  private interface UnaryValue {
    double at(double x, double alpha);
  }

  /** One unary op's dx in double precision, given x, y, alpha and dy. */
  private interface UnaryGrad {
    double at(double x, double y, double alpha, double dy);
  }

  /** A comparison's or POW's gradient or value in double precision. */
  private interface PowGrad {
    double at(double a, double b, double dy);
  }

  /** {@code broken}'s forward computed by {@code value}; caught by the unary forward cases. */
  private static Break unaryForwardBreak(String name, UnaryOp broken, UnaryValue value) {
    return new Break(
        name,
        b ->
            new ForwardingBackend(b) {
              @Override
              public void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
                if (op != broken) {
                  super.unary(op, alpha, x, y, n);
                  return;
                }
                float[] v = read(delegate, x);
                float[] o = new float[(int) n];
                for (int i = 0; i < n; i++) o[i] = (float) value.at(v[i], alpha);
                delegate.upload(o, 0, y, 0, (int) n);
              }
            },
        every(UnaryChecks.forwardCases(), UnaryChecks::new, UnaryChecks::forward));
  }

  /** {@code broken}'s dx computed by {@code grad}; caught by the unary backward cases. */
  private static Break unaryBackwardBreak(String name, UnaryOp broken, UnaryGrad grad) {
    return new Break(
        name,
        b ->
            new ForwardingBackend(b) {
              @Override
              public void unaryBackward(
                  UnaryOp op,
                  float alpha,
                  DeviceBuffer x,
                  DeviceBuffer y,
                  DeviceBuffer dy,
                  DeviceBuffer dx,
                  long n) {
                if (op != broken) {
                  super.unaryBackward(op, alpha, x, y, dy, dx, n);
                  return;
                }
                float[] xv = read(delegate, x);
                float[] yv = read(delegate, y);
                float[] g = read(delegate, dy);
                float[] o = new float[(int) n];
                for (int i = 0; i < n; i++) o[i] = (float) grad.at(xv[i], yv[i], alpha, g[i]);
                delegate.upload(o, 0, dx, 0, (int) n);
              }
            },
        every(UnaryChecks.backwardCases(), UnaryChecks::new, UnaryChecks::backward));
  }

  /**
   * POW's db computed by {@code db} (da as the SPI says); caught by the binary backward cases (the
   * zero-base ones for a missing rule at a = 0).
   */
  private static Break powBackwardBreak(String name, PowGrad db) {
    return new Break(
        name,
        b ->
            new ForwardingBackend(b) {
              @Override
              public void binaryBackward(
                  BinaryOp op,
                  DeviceBuffer a,
                  DeviceBuffer bb,
                  DeviceBuffer dy,
                  DeviceBuffer da,
                  DeviceBuffer dbuf,
                  long n) {
                super.binaryBackward(op, a, bb, dy, da, dbuf, n);
                if (op != BinaryOp.POW || dbuf == null) return;
                float[] p = read(delegate, a);
                float[] q = read(delegate, bb);
                float[] g = read(delegate, dy);
                float[] o = new float[(int) n];
                for (int i = 0; i < n; i++) o[i] = (float) db.at(p[i], q[i], g[i]);
                delegate.upload(o, 0, dbuf, 0, (int) n);
              }
            },
        every(BinaryChecks.backwardCases(), BinaryChecks::new, BinaryChecks::backward));
  }

  /**
   * {@code broken} (same shape) computed by {@code value}; caught by the same-shape cases (ties) or
   * the NaN cases.
   */
  private static Break binaryBreak(
      String name, BinaryOp broken, java.util.function.DoubleBinaryOperator value) {
    return new Break(
        name,
        b ->
            new ForwardingBackend(b) {
              @Override
              public void binary(
                  BinaryOp op, DeviceBuffer a, DeviceBuffer bb, DeviceBuffer out, long n) {
                if (op != broken) {
                  super.binary(op, a, bb, out, n);
                  return;
                }
                float[] p = read(delegate, a);
                float[] q = read(delegate, bb);
                float[] o = new float[(int) n];
                for (int i = 0; i < n; i++) o[i] = (float) value.applyAsDouble(p[i], q[i]);
                delegate.upload(o, 0, out, 0, (int) n);
              }
            },
        both(
            every(
                ElementwiseChecks.binaryCases(), ElementwiseChecks::new, ElementwiseChecks::binary),
            every(BinaryChecks.nanCases(), BinaryChecks::new, BinaryChecks::binaryWithNaN)));
  }

  private static BiConsumer<Backend, Backend> both(
      BiConsumer<Backend, Backend> first, BiConsumer<Backend, Backend> second) {
    return first.andThen(second);
  }

  /** How a planted ARGMAX/ARGMIN goes wrong. */
  private enum ArgRule {
    /** Ties go to the last position. */
    LAST,
    /** NaN is passed over (a group of NaN alone gives 0). */
    SKIP_NAN,
    /** The position counts along the innermost reduced axis only. */
    INNERMOST
  }

  /** {@code broken} computed on the host with one rule wrong; caught by the reduce cases. */
  private static Break argBreak(String name, ReduceOp broken, ArgRule rule) {
    return new Break(
        name,
        b ->
            new ForwardingBackend(b) {
              @Override
              public void reduce(
                  ReduceOp op,
                  DeviceBuffer x,
                  int[] shape,
                  int[] axes,
                  float scale,
                  DeviceBuffer out) {
                if (op != broken) {
                  super.reduce(op, x, shape, axes, scale, out);
                  return;
                }
                float[] o = hostArg(read(delegate, x), shape, axes, op == ReduceOp.ARGMAX, rule);
                delegate.upload(o, 0, out, 0, o.length);
              }
            },
        every(ReductionChecks.axesCases(), ReductionChecks::new, ReductionChecks::reduce));
  }

  /** ARGMAX (max) or ARGMIN as the reference computes it, but for {@code rule}. */
  private static float[] hostArg(float[] x, int[] shape, int[] axes, boolean max, ArgRule rule) {
    boolean[] reduced = new boolean[shape.length];
    for (int a : axes) reduced[a] = true;
    int kept = 1;
    long total = 1;
    for (int i = 0; i < shape.length; i++) {
      total *= shape[i];
      if (!reduced[i]) kept *= shape[i];
    }
    int innermost = axes.length == 0 ? 1 : shape[axes[axes.length - 1]];
    float[] best = new float[kept];
    long[] where = new long[kept];
    boolean[] seen = new boolean[kept];
    int[] index = new int[shape.length];
    for (long flat = 0; flat < total; flat++) {
      long rem = flat;
      for (int i = shape.length - 1; i >= 0; i--) {
        index[i] = (int) (rem % shape[i]);
        rem /= shape[i];
      }
      int o = 0;
      long r = 0;
      for (int i = 0; i < shape.length; i++) {
        if (reduced[i]) r = r * shape[i] + index[i];
        else o = o * shape[i] + index[i];
      }
      float v = x[(int) flat];
      if (rule == ArgRule.SKIP_NAN && Float.isNaN(v)) continue;
      boolean wins = max ? v > best[o] : v < best[o];
      boolean tie = v == best[o];
      boolean take =
          !seen[o]
              || (!Float.isNaN(best[o])
                  && (Float.isNaN(v) || wins || (rule == ArgRule.LAST && tie)));
      if (take) {
        seen[o] = true;
        best[o] = v;
        where[o] = rule == ArgRule.INNERMOST ? r % innermost : r;
      }
    }
    float[] out = new float[kept];
    for (int o = 0; o < kept; o++) out[o] = where[o];
    return out;
  }

  /** Bilinear resize with align_corners=True: o samples (o * (in - 1) / (out - 1)). */
  private static float[] cornerAlignedResize(
      float[] x, int n, int h, int w, int c, int outH, int outW) {
    float[] y = new float[n * outH * outW * c];
    for (int img = 0; img < n; img++) {
      for (int oy = 0; oy < outH; oy++) {
        double sy = outH > 1 ? oy * (h - 1.0) / (outH - 1) : 0;
        int y0 = (int) Math.floor(sy);
        int y1 = Math.min(y0 + 1, h - 1);
        double fy = sy - y0;
        for (int ox = 0; ox < outW; ox++) {
          double sx = outW > 1 ? ox * (w - 1.0) / (outW - 1) : 0;
          int x0 = (int) Math.floor(sx);
          int x1 = Math.min(x0 + 1, w - 1);
          double fx = sx - x0;
          for (int ch = 0; ch < c; ch++) {
            double top =
                (1 - fx) * x[((img * h + y0) * w + x0) * c + ch]
                    + fx * x[((img * h + y0) * w + x1) * c + ch];
            double bottom =
                (1 - fx) * x[((img * h + y1) * w + x0) * c + ch]
                    + fx * x[((img * h + y1) * w + x1) * c + ch];
            y[((img * outH + oy) * outW + ox) * c + ch] = (float) ((1 - fy) * top + fy * bottom);
          }
        }
      }
    }
    return y;
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
