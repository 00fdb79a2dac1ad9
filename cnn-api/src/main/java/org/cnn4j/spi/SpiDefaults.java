package org.cnn4j.spi;

/**
 * The SPI's derived ops that need more than one op family, each written once as a static method
 * taking the families it runs on. {@link Backend}'s default methods call them with the backend
 * itself for every family; a family object calls them with its neighbours ({@link
 * Im2colConvolution} for the convolutions, an {@link EpilogueOps} without a fused kernel for the
 * bias), so both run the same code.
 */
public final class SpiDefaults {
  private SpiDefaults() {}

  /**
   * {@link ConvolutionOps#conv2dForward} as im2col + GEMM per chunk of images (one GEMM on the
   * input itself for a 1x1, stride-1, unpadded, ungrouped convolution), the columns in {@link
   * MemoryOps#allocateScratch} memory: {@code columns} unfolds, {@code gemm} multiplies, {@code
   * memory} holds the columns.
   */
  public static void conv2dForward(
      ConvolutionOps columns,
      GemmOps gemm,
      MemoryOps memory,
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer y) {
    checkConvolution("conv2dForward", s, x, kernel, y);
    if (isPointwise(s)) {
      gemm.gemm(
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
    try (DeviceBuffer cols = memory.allocateScratch((long) chunk * pixels * k)) {
      for (int first = 0; first < s.n(); first += chunk) {
        int count = Math.min(chunk, s.n() - first);
        for (int g = 0; g < s.groups(); g++) {
          columns.im2col(s, x, first, count, g, cols);
          gemm.gemm(
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
   * {@link ConvolutionOps#conv2dBackwardData} as GEMM + col2im, chunked as {@link #conv2dForward}:
   * {@code columns} folds back, {@code gemm} multiplies, {@code memory} clears dx and holds the
   * columns.
   */
  public static void conv2dBackwardData(
      ConvolutionOps columns,
      GemmOps gemm,
      MemoryOps memory,
      Conv2dSpec s,
      DeviceBuffer dy,
      DeviceBuffer kernel,
      DeviceBuffer dx) {
    checkConvolution("conv2dBackwardData", s, dx, kernel, dy);
    if (isPointwise(s)) {
      gemm.gemm(
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
    memory.fill(dx, 0, s.inputLength(), 0f);
    try (DeviceBuffer cols = memory.allocateScratch((long) chunk * pixels * k)) {
      for (int first = 0; first < s.n(); first += chunk) {
        int count = Math.min(chunk, s.n() - first);
        for (int g = 0; g < s.groups(); g++) {
          gemm.gemm(
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
          columns.col2im(s, cols, first, count, g, dx);
        }
      }
    }
  }

  /**
   * {@link ConvolutionOps#conv2dBackwardFilter} as im2col + GEMM, chunked as {@link
   * #conv2dForward}: {@code columns} unfolds, {@code gemm} multiplies and sums over the chunks,
   * {@code memory} holds the columns.
   */
  public static void conv2dBackwardFilter(
      ConvolutionOps columns,
      GemmOps gemm,
      MemoryOps memory,
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer dy,
      DeviceBuffer dKernel) {
    checkConvolution("conv2dBackwardFilter", s, x, dKernel, dy);
    if (isPointwise(s)) {
      gemm.gemm(
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
    try (DeviceBuffer cols = memory.allocateScratch((long) chunk * pixels * k)) {
      for (int first = 0; first < s.n(); first += chunk) {
        int count = Math.min(chunk, s.n() - first);
        for (int g = 0; g < s.groups(); g++) {
          columns.im2col(s, x, first, count, g, cols);
          gemm.gemm(
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
   * {@link ConvolutionOps#conv2dForwardFused} unfused: {@code convolution}'s forward, then {@code
   * epilogue}'s bias and activation.
   */
  public static void conv2dForwardFused(
      ConvolutionOps convolution,
      EpilogueOps epilogue,
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    convolution.conv2dForward(s, x, kernel, y);
    epilogue.biasActivationForward(kind, alpha, y, bias, s.n() * s.outH() * s.outW(), s.filters());
  }

  /**
   * {@link Backend#conv2dForwardResidual} unfused on {@code backend}: the convolution and bias into
   * a buffer of its own, added into y, then the activation in place.
   */
  public static void conv2dForwardResidual(
      Backend backend,
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    checkConvolution("conv2dForwardResidual", s, x, kernel, y);
    try (DeviceBuffer z = backend.allocate(s.outputLength())) {
      backend.conv2dForwardFused(s, x, kernel, bias, ActivationKind.LINEAR, 0f, z);
      backend.axpby(1f, z, 1f, y, s.outputLength());
    }
    backend.biasActivationForward(kind, alpha, y, null, s.n() * s.outH() * s.outW(), s.filters());
  }

  /**
   * {@link ConvolutionOps#conv2dBackwardFused} unfused: {@code epilogue}'s activation and bias
   * gradient into a buffer from {@code memory}, then {@code convolution}'s filter and data
   * gradients.
   */
  public static void conv2dBackwardFused(
      ConvolutionOps convolution,
      EpilogueOps epilogue,
      MemoryOps memory,
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
    try (DeviceBuffer dz = memory.allocate(s.outputLength())) {
      epilogue.activationBackwardBias(kind, alpha, y, dy, dz, rows, s.filters(), dBias);
      convolution.conv2dBackwardFilter(s, x, dz, dKernel);
      if (dx != null) convolution.conv2dBackwardData(s, dz, kernel, dx);
    }
  }

  /** {@link ConvolutionOps#conv2dBackwardBias} as {@code reductions}' sum over the middle axis. */
  public static void conv2dBackwardBias(
      ReductionOps reductions, Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias) {
    reductions.reduceMiddle(dy, 1, s.n() * s.outH() * s.outW(), s.filters(), 1f, dBias);
  }

  /** {@link EpilogueOps#biasAdd} as {@code reductions}' broadcast over the rows. */
  public static void biasAdd(
      ReductionOps reductions, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    reductions.broadcastMiddle(bias, 1, rows, cols, 1f, 1f, y);
  }

  /**
   * {@link EpilogueOps#biasActivationForward} unfused: {@code epilogue}'s {@link
   * EpilogueOps#biasAdd} (when there is a bias), then {@code elementwise}'s activation in place.
   */
  public static void biasActivationForward(
      EpilogueOps epilogue,
      ElementwiseOps elementwise,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y,
      DeviceBuffer bias,
      int rows,
      int cols) {
    if (bias != null) epilogue.biasAdd(y, bias, rows, cols);
    if (kind != ActivationKind.LINEAR) {
      elementwise.activationForward(kind, alpha, y, y, (long) rows * cols);
    }
  }

  /**
   * {@link EpilogueOps#activationBackwardBias} unfused: {@code elementwise}'s activation gradient
   * from y (skipped for LINEAR in place), then {@code reductions}' column sums for dBias.
   */
  public static void activationBackwardBias(
      ElementwiseOps elementwise,
      ReductionOps reductions,
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
    if (kind != ActivationKind.LINEAR || dz != dy) {
      elementwise.activationBackward(kind, alpha, y, y, dy, dz, n);
    }
    if (dBias != null) reductions.reduceMiddle(dz, 1, rows, cols, 1f, dBias);
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
}
