package org.cnn4j.spi;

/**
 * What a compute backend implements. Every method works on buffers the caller allocated
 * (destination passing), so ownership is never in doubt. Layouts: activations NHWC, convolution
 * kernels HWIO, matrices row-major. Operations may run asynchronously; {@link #download} and {@link
 * #synchronize()} wait for them.
 *
 * <p>The default methods derive composite ops (convolution, bias, dropout) from the required ones;
 * a backend overrides them only for speed. The conformance suite checks both paths.
 */
public interface Backend extends AutoCloseable {

  // ---------------------------------------------------------------- identity and memory

  /** The provider id ("cpu", "opencl", "cuda"). */
  String id();

  /** One line for logs: device, library versions, threads. */
  String description();

  /** Allocates {@code length} floats; the contents are undefined. */
  DeviceBuffer allocate(long length);

  /**
   * Allocates {@code length} floats of temporary memory for a default method (the im2col columns of
   * {@link #conv2dForward}), which closes it before it returns. The default is {@link #allocate}; a
   * backend may hand out memory it keeps between calls, which {@link #memoryStats()} need not
   * count.
   */
  default DeviceBuffer allocateScratch(long length) {
    return allocate(length);
  }

  /** Copies {@code len} floats from the host array into {@code dst} at {@code dstOffset}. */
  void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len);

  /** Copies {@code len} floats from {@code src} at {@code srcOffset} into the host array; waits. */
  void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len);

  /**
   * {@code dst[dstOffset + i] = src[srcOffset + i]} for {@code i < len}. The ranges must not
   * overlap.
   */
  void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len);

  /** {@code buf[offset + i] = value} for {@code i < len}. */
  void fill(DeviceBuffer buf, long offset, long len, float value);

  /** Buffers allocated and not yet closed. */
  MemoryStats memoryStats();

  /** Waits until every operation issued so far has finished. */
  void synchronize();

  /** Frees everything the backend holds (pools, contexts). Buffers must be closed first. */
  @Override
  void close();

  /**
   * Handles for data-parallel work, or none (the default) when this backend parallelises inside
   * each op. Each lane runs its ops on the calling thread alone, shares this backend's buffers, and
   * is used by one thread at a time; the model gives each lane a slice of the batch. On a few cores
   * a small network's ops are too short to split (waking another thread costs more than the op), so
   * slicing the batch is what keeps every core busy. The backend owns its lanes and closes them.
   */
  default java.util.List<Backend> lanes() {
    return java.util.List.of();
  }

  // ---------------------------------------------------------------- GEMM

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, with {@code op(X) = X} or {@code X^T}.
   * With {@code beta == 0} C is not read (NaN there does not propagate).
   *
   * <p>Shapes: op(A) {@code [m, k]}, op(B) {@code [k, n]}, C {@code [m, n]}; A is stored {@code [m,
   * lda]} (or {@code [k, lda]} transposed) starting at {@code aOffset}, likewise B and C.
   */
  void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      DeviceBuffer a,
      long aOffset,
      int lda,
      DeviceBuffer b,
      long bOffset,
      int ldb,
      float beta,
      DeviceBuffer c,
      long cOffset,
      int ldc);

  /**
   * {@code batch} independent GEMMs, the i-th at offsets {@code aOffset + i * strideA} etc. Shapes
   * as {@link #gemm}.
   */
  default void gemmStridedBatched(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      DeviceBuffer a,
      long aOffset,
      int lda,
      long strideA,
      DeviceBuffer b,
      long bOffset,
      int ldb,
      long strideB,
      float beta,
      DeviceBuffer c,
      long cOffset,
      int ldc,
      long strideC,
      int batch) {
    for (int i = 0; i < batch; i++) {
      gemm(
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          a,
          aOffset + i * strideA,
          lda,
          b,
          bOffset + i * strideB,
          ldb,
          beta,
          c,
          cOffset + i * strideC,
          ldc);
    }
  }

  // ---------------------------------------------------------------- convolution

  /**
   * Unfolds images {@code [first, first + count)} of {@code x} for channel group {@code group}.
   *
   * <p>Shapes: x {@code [n, h, w, c]}; cols {@code [count * outH * outW, kh * kw * cg]} with {@code
   * cg = c / groups}, column index {@code (ky * kw + kx) * cg + ci}. Padded taps are 0.
   */
  void im2col(Conv2dSpec spec, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols);

  /**
   * The adjoint of {@link #im2col}: adds each column entry back into {@code dx} (which the caller
   * has initialised). Shapes as {@link #im2col}.
   */
  void col2im(Conv2dSpec spec, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx);

  /**
   * {@code y = conv(x, kernel)} without bias. Shapes: x {@code [n, h, w, c]}, kernel {@code [kh,
   * kw, c / groups, filters]}, y {@code [n, outH, outW, filters]}.
   *
   * <p>The default is im2col + GEMM per chunk of images (one GEMM on the input itself for a 1x1,
   * stride-1, unpadded, ungrouped convolution), the columns in {@link #allocateScratch} memory.
   */
  default void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    checkConvolution("conv2dForward", s, x, kernel, y);
    if (isPointwise(s)) {
      gemm(
          false,
          false,
          s.n() * s.h() * s.w(),
          s.filters(),
          s.c(),
          1f,
          x,
          0,
          s.c(),
          kernel,
          0,
          s.filters(),
          0f,
          y,
          0,
          s.filters());
      return;
    }
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    int chunk = ConvChunks.imagesPerChunk(s, k);
    try (DeviceBuffer cols = allocateScratch((long) chunk * pixels * k)) {
      for (int first = 0; first < s.n(); first += chunk) {
        int count = Math.min(chunk, s.n() - first);
        for (int g = 0; g < s.groups(); g++) {
          im2col(s, x, first, count, g, cols);
          gemm(
              false,
              false,
              count * pixels,
              fg,
              k,
              1f,
              cols,
              0,
              k,
              kernel,
              (long) g * fg,
              s.filters(),
              0f,
              y,
              (long) first * pixels * s.filters() + (long) g * fg,
              s.filters());
        }
      }
    }
  }

  /**
   * {@code dx = d conv / d x}, overwriting dx. Shapes: dy {@code [n, outH, outW, filters]}, kernel
   * {@code [kh, kw, c / groups, filters]}, dx {@code [n, h, w, c]}. The default is GEMM + col2im,
   * as {@link #conv2dForward}.
   */
  default void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    checkConvolution("conv2dBackwardData", s, dx, kernel, dy);
    if (isPointwise(s)) {
      gemm(
          false,
          true,
          s.n() * s.h() * s.w(),
          s.c(),
          s.filters(),
          1f,
          dy,
          0,
          s.filters(),
          kernel,
          0,
          s.filters(),
          0f,
          dx,
          0,
          s.c());
      return;
    }
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    int chunk = ConvChunks.imagesPerChunk(s, k);
    fill(dx, 0, s.inputLength(), 0f);
    try (DeviceBuffer cols = allocateScratch((long) chunk * pixels * k)) {
      for (int first = 0; first < s.n(); first += chunk) {
        int count = Math.min(chunk, s.n() - first);
        for (int g = 0; g < s.groups(); g++) {
          gemm(
              false,
              true,
              count * pixels,
              k,
              fg,
              1f,
              dy,
              (long) first * pixels * s.filters() + (long) g * fg,
              s.filters(),
              kernel,
              (long) g * fg,
              s.filters(),
              0f,
              cols,
              0,
              k);
          col2im(s, cols, first, count, g, dx);
        }
      }
    }
  }

  /**
   * {@code dKernel = d conv / d kernel}, overwriting it. Shapes: x {@code [n, h, w, c]}, dy {@code
   * [n, outH, outW, filters]}, dKernel {@code [kh, kw, c / groups, filters]}. The default is im2col
   * + GEMM, as {@link #conv2dForward}.
   */
  default void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    checkConvolution("conv2dBackwardFilter", s, x, dKernel, dy);
    if (isPointwise(s)) {
      gemm(
          true,
          false,
          s.c(),
          s.filters(),
          s.n() * s.h() * s.w(),
          1f,
          x,
          0,
          s.c(),
          dy,
          0,
          s.filters(),
          0f,
          dKernel,
          0,
          s.filters());
      return;
    }
    int cg = s.c() / s.groups();
    int fg = s.filters() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int pixels = s.outH() * s.outW();
    int chunk = ConvChunks.imagesPerChunk(s, k);
    try (DeviceBuffer cols = allocateScratch((long) chunk * pixels * k)) {
      for (int first = 0; first < s.n(); first += chunk) {
        int count = Math.min(chunk, s.n() - first);
        for (int g = 0; g < s.groups(); g++) {
          im2col(s, x, first, count, g, cols);
          gemm(
              true,
              false,
              k,
              fg,
              count * pixels,
              1f,
              cols,
              0,
              k,
              dy,
              (long) first * pixels * s.filters() + (long) g * fg,
              s.filters(),
              first == 0 ? 0f : 1f,
              dKernel,
              (long) g * fg,
              s.filters());
        }
      }
    }
  }

  /**
   * A 1x1, stride-1, unpadded, ungrouped convolution whose output is its input's size: a GEMM on
   * the NHWC input itself, with no columns to unfold.
   */
  private static boolean isPointwise(Conv2dSpec s) {
    return s.kh() == 1
        && s.kw() == 1
        && s.strideH() == 1
        && s.strideW() == 1
        && s.padTop() == 0
        && s.padLeft() == 0
        && s.groups() == 1
        && s.outH() == s.h()
        && s.outW() == s.w();
  }

  /** Checks an input-shaped, a kernel-shaped and an output-shaped buffer of a convolution. */
  private static void checkConvolution(
      String op, Conv2dSpec s, DeviceBuffer input, DeviceBuffer kernel, DeviceBuffer output) {
    Ranges.check(op + " input", input, 0, s.inputLength());
    Ranges.check(op + " kernel", kernel, 0, s.kernelLength());
    Ranges.check(op + " output", output, 0, s.outputLength());
  }

  /**
   * A convolution layer's forward in one op: {@code y = f(conv(x, kernel) + bias)}, bias may be
   * null. A backend fuses it to apply the bias and activation while the output is still in cache.
   * Shapes as {@link #conv2dForward}, bias {@code [filters]}.
   */
  default void conv2dForwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    conv2dForward(s, x, kernel, y);
    biasActivationForward(kind, alpha, y, bias, s.n() * s.outH() * s.outW(), s.filters());
  }

  /**
   * The backward of {@link #conv2dForwardFused} from its output y and the output gradient dy (not
   * modified): overwrites dKernel, dBias (when not null) and dx (when not null; the input of the
   * first layer needs none). The activation's derivative comes from y alone, so {@code kind} must
   * be one whose {@link ActivationKind#derivativeFromOutput()} holds; the others (GELU, SiLU) throw
   * {@link IllegalArgumentException}, and a layer using them keeps the pre-activation and
   * differentiates with {@link #activationBackward}. Shapes as {@link #conv2dForward}.
   */
  default void conv2dBackwardFused(
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
    kind.requireDerivativeFromOutput("conv2dBackwardFused");
    int rows = s.n() * s.outH() * s.outW();
    try (DeviceBuffer dz = allocate(s.outputLength())) {
      activationBackwardBias(kind, alpha, y, dy, dz, rows, s.filters(), dBias);
      conv2dBackwardFilter(s, x, dz, dKernel);
      if (dx != null) conv2dBackwardData(s, dz, kernel, dx);
    }
  }

  /**
   * {@code dBias[f] = sum over n, y, x of dy}. Shapes: dy {@code [n, outH, outW, filters]}, dBias
   * {@code [filters]}.
   */
  default void conv2dBackwardBias(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias) {
    reduceMiddle(dy, 1, s.n() * s.outH() * s.outW(), s.filters(), 1f, dBias);
  }

  // ---------------------------------------------------------------- pooling

  /** Max pooling. Shapes: x {@code [n, h, w, c]}, y {@code [n, outH, outW, c]}. */
  void maxPool2dForward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer y);

  /**
   * Gradient of max pooling, overwriting dx. Ties: the first maximum in row-major window order
   * (top-left first) takes the whole gradient. Shapes: x and dx {@code [n, h, w, c]}, dy {@code [n,
   * outH, outW, c]}.
   */
  void maxPool2dBackward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx);

  /** Average pooling; padded positions are not counted. Shapes as max pooling. */
  void avgPool2dForward(Pool2dSpec spec, DeviceBuffer x, DeviceBuffer y);

  /** Gradient of average pooling, overwriting dx. Shapes as max pooling. */
  void avgPool2dBackward(Pool2dSpec spec, DeviceBuffer dy, DeviceBuffer dx);

  // ---------------------------------------------------------------- element-wise

  /**
   * {@code y[i] = f(x[i])} for {@code i < n}, f as {@link ActivationKind} defines it with parameter
   * {@code alpha}. x may be y.
   */
  void activationForward(ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n);

  /**
   * {@code dx[i] = dy[i] * f'(x[i])}, given both the input x and the output y of the forward pass
   * (ReLU and LeakyReLU read x, sigmoid and tanh read y). dx may be dy.
   */
  void activationBackward(
      ActivationKind kind,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n);

  /** {@code out[i] = a[i] op b[i]} for {@code i < n} ({@link BinaryOp}). out may alias a or b. */
  void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n);

  /**
   * {@code y[i] = f(x[i])} for {@code i < n}, f as {@link UnaryOp} defines it with parameter {@code
   * alpha}. x may be y.
   */
  void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n);

  /**
   * {@code dx[i] = dy[i] * f'(x[i])} given the input x and the output y of {@link #unary}. dx may
   * be dy. Shapes: all {@code [n]}.
   */
  void unaryBackward(
      UnaryOp op,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n);

  /** {@code y[i] = alpha * x[i] + beta * y[i]} for {@code i < n}; with beta 0, y is not read. */
  void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n);

  /**
   * The gradients of {@link #binary}: {@code da = dy * d(a op b)/da} and {@code db = dy * d(a op
   * b)/db}, each overwritten unless null. MAX passes dy to a where {@code a >= b}, else to b; MIN
   * to a where {@code a <= b}, else to b (ties go to a, as TensorFlow's maximum and minimum do).
   * POW gives {@code db = dy a^b ln(a)} as 0 where a is 0; comparisons give 0. Shapes: all {@code
   * [n]}.
   */
  void binaryBackward(
      BinaryOp op,
      DeviceBuffer a,
      DeviceBuffer b,
      DeviceBuffer dy,
      DeviceBuffer da,
      DeviceBuffer db,
      long n);

  /**
   * Element-wise with broadcasting: {@code out[i] = a[av.position(i)] op b[bv.position(i)]} for
   * every row-major index i of the views' common shape, out contiguous from {@code outOffset}. A
   * stride 0 repeats an operand along that axis, as NumPy's broadcasting. out must not overlap a or
   * b. Shapes: av and bv have equal shapes; out holds their size from outOffset.
   */
  void binaryBroadcast(
      BinaryOp op,
      DeviceBuffer a,
      StridedView av,
      DeviceBuffer b,
      StridedView bv,
      DeviceBuffer out,
      long outOffset);

  // ---------------------------------------------------------------- layout

  /**
   * Copies between two views of equal shape: {@code dst[to.position(i)] = src[from.position(i)]}
   * for every row-major index i. The source may repeat elements (stride 0); the destination may not
   * ({@link StridedView#repeats()}), and the two must not overlap in one buffer. Concatenation,
   * slicing, padding, cropping, transposes and nearest upsampling are copies of this kind.
   */
  void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to);

  /**
   * Reduces a contiguous tensor over some axes: {@code out = scale * op(x over axes)}, out
   * contiguous with the reduced axes removed (or, which is the same layout, kept as size 1). MAX
   * and MIN keep NaN; ARGMAX and ARGMIN give positions ({@link ReduceOp}) and ignore scale. Shapes:
   * x {@code shape}; axes distinct, ascending, each in {@code [0, shape.length)}; out the product
   * of the kept sizes (1 when every axis is reduced).
   */
  void reduce(ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out);

  /**
   * Bilinear resize with half-pixel centres (TensorFlow's {@code resize(method="bilinear")}, Keras'
   * UpSampling2D(interpolation="bilinear")): output pixel o samples input position {@code s =
   * max(0, (o + 0.5) * in / out - 0.5)} along each axis, between {@code floor(s)} and {@code
   * min(floor(s) + 1, in - 1)} with weight {@code s - floor(s)}. Shapes: x {@code [n, h, w, c]}, y
   * {@code [n, outH, outW, c]}.
   */
  void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y);

  /** The adjoint of {@link #resizeBilinear}, overwriting dx. Shapes as there, dy like y. */
  void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx);

  // ---------------------------------------------------------------- layer normalisation

  /**
   * Normalises each row: {@code y = gamma * (x - mean) * rstd + beta} with the row's mean and
   * {@code rstd = 1 / sqrt(biased variance + eps)}, which it also writes (the backward reads them).
   * gamma or beta may be null (Keras' scale=False, center=False). Shapes: x and y {@code [rows,
   * cols]}; gamma and beta {@code [cols]}; mean and rstd {@code [rows]}. x may be y.
   */
  void layerNormForward(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer y,
      DeviceBuffer mean,
      DeviceBuffer rstd);

  /**
   * Gradients of {@link #layerNormForward} from its input, mean and rstd: overwrites dx, and dGamma
   * and dBeta unless null. gamma null means 1. Shapes as the forward, dy and dx like x.
   */
  void layerNormBackward(
      DeviceBuffer x,
      DeviceBuffer dy,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer rstd,
      DeviceBuffer gamma,
      DeviceBuffer dx,
      DeviceBuffer dGamma,
      DeviceBuffer dBeta);

  // ---------------------------------------------------------------- reductions and broadcasts

  /**
   * Sums over the middle axis: {@code out[o, i] = scale * sum_m x[o, m, i]}. Shapes: x {@code
   * [outer, mid, inner]}, out {@code [outer, inner]} (overwritten).
   */
  void reduceMiddle(DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out);

  /**
   * Broadcasts over the middle axis: {@code y[o, m, i] = scale * src[o, i] + beta * y[o, m, i]}.
   * Shapes: src {@code [outer, inner]}, y {@code [outer, mid, inner]}; with beta 0, y is not read.
   */
  void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y);

  /** {@code y[r, c] += bias[c]}. Shapes: y {@code [rows, cols]}, bias {@code [cols]}. */
  default void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    broadcastMiddle(bias, 1, rows, cols, 1f, 1f, y);
  }

  /**
   * The epilogue of a convolution or dense layer, in place: {@code y[r, c] = f(y[r, c] + bias[c])}.
   * bias may be null. Shapes: y {@code [rows, cols]}, bias {@code [cols]}.
   */
  default void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    if (bias != null) biasAdd(y, bias, rows, cols);
    if (kind != ActivationKind.LINEAR) activationForward(kind, alpha, y, y, (long) rows * cols);
  }

  /**
   * The backward of {@link #biasActivationForward} from its output y: {@code dz = dy * f'(y)}
   * (ReLU's and LeakyReLU's sign read from y), and, when dBias is not null, {@code dBias[c] = sum_r
   * dz[r, c]} (overwritten). dz may be dy. Only the kinds whose {@link
   * ActivationKind#derivativeFromOutput()} holds have a derivative in terms of y; the others (GELU,
   * SiLU: not invertible) throw {@link IllegalArgumentException}. Shapes: y, dy, dz {@code [rows,
   * cols]}.
   */
  default void activationBackwardBias(
      ActivationKind kind,
      float alpha,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dz,
      int rows,
      int cols,
      DeviceBuffer dBias) {
    kind.requireDerivativeFromOutput("activationBackwardBias");
    long n = (long) rows * cols;
    if (kind != ActivationKind.LINEAR || dz != dy) activationBackward(kind, alpha, y, y, dy, dz, n);
    if (dBias != null) reduceMiddle(dz, 1, rows, cols, 1f, dBias);
  }

  /** Row softmax, stable for large inputs. Shapes: x and y {@code [rows, cols]}; x may be y. */
  void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols);

  /**
   * Gradient of the row softmax from its output: {@code dx = y * (dy - sum(dy * y))} per row.
   * Shapes: all {@code [rows, cols]}.
   */
  void softmaxBackward(DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols);

  /**
   * Per-row loss and, when {@code grad} is not null, {@code grad = gradScale * d loss_r / d pred}.
   * Shapes: pred and grad {@code [rows, cols]}; target {@code [rows]} for sparse kinds else {@code
   * [rows, cols]}; lossPerRow {@code [rows]}.
   */
  void loss(
      LossKind kind,
      DeviceBuffer pred,
      DeviceBuffer target,
      int rows,
      int cols,
      DeviceBuffer lossPerRow,
      DeviceBuffer grad,
      float gradScale);

  // ---------------------------------------------------------------- batch normalisation

  /**
   * Per-column mean and biased variance. Shapes: x {@code [rows, cols]} (NHWC: rows = n*h*w, cols =
   * channels); mean and variance {@code [cols]}.
   */
  void batchNormStatistics(
      DeviceBuffer x, int rows, int cols, DeviceBuffer mean, DeviceBuffer variance);

  /** {@code y = gamma * (x - mean) / sqrt(variance + eps) + beta} per column. x may be y. */
  void batchNormApply(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer variance,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer y);

  /**
   * Gradients of training-mode batch normalisation (batch statistics), overwriting dx, dGamma and
   * dBeta. Shapes: x, dy, dx {@code [rows, cols]}; the rest {@code [cols]}.
   */
  void batchNormBackward(
      DeviceBuffer x,
      DeviceBuffer dy,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer variance,
      DeviceBuffer gamma,
      float eps,
      DeviceBuffer dx,
      DeviceBuffer dGamma,
      DeviceBuffer dBeta);

  // ---------------------------------------------------------------- dropout

  /**
   * Fills {@code mask[i]} with {@code 0} where {@link DropoutRng#uniform(long, long)} of {@code
   * (seed, i)} is below {@code rate}, else {@code 1 / (1 - rate)}. Every backend gives the same
   * mask for the same seed.
   */
  void dropoutMask(long seed, float rate, DeviceBuffer mask, long n);

  // ---------------------------------------------------------------- optimizer steps

  /**
   * Keras SGD. Without momentum: {@code p -= lr * g}. With it: {@code v = momentum * v - lr * g};
   * then {@code p += v}, or with Nesterov {@code p += momentum * v - lr * g}. velocity may be null
   * when momentum is 0.
   */
  void sgdStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer velocity,
      long n,
      float lr,
      float momentum,
      boolean nesterov);

  /**
   * Keras Adam (and AdamW when {@code weightDecay > 0}: first {@code p -= lr * weightDecay * p}).
   * Step {@code t} counts from 1: {@code m += (g - m)(1 - b1)}, {@code v += (g^2 - v)(1 - b2)},
   * {@code p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)}.
   */
  void adamStep(
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
      float weightDecay);

  /**
   * Keras RMSprop (no momentum, not centred): {@code s = rho s + (1 - rho) g^2; p -= lr g /
   * (sqrt(s) + eps)}.
   */
  void rmspropStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer meanSquare,
      long n,
      float lr,
      float rho,
      float eps);
}
