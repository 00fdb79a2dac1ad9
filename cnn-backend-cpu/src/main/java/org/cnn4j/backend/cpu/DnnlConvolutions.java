package org.cnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.Conv2dSpec;

/**
 * Convolutions through oneDNN's C API on our own memory: NHWC activations and HWIO kernels are
 * oneDNN's {@code nhwc} and {@code hwio} tags, so activations are never reordered (kernels are: see
 * {@link #forwardDesc}). A grouped kernel {@code [kh, kw, c / groups, filters]} with output channel
 * {@code f} in group {@code f / (filters / groups)} is, read as oneDNN's 5-D {@code (groups,
 * filters / groups, c / groups, kh, kw)} weights, exactly its {@code hwigo} tag: grouped and
 * depthwise convolutions (Keras' DepthwiseConv2D is one group per channel) take the same primitives
 * on the same memory. Primitives are created once per geometry and cached; each call only points
 * the primitive's memory objects at the buffers. Handles every geometry with non-negative padding
 * on both sides (all Keras 'valid' and 'same' cases); the caller keeps its im2col path for the
 * rest.
 */
final class DnnlConvolutions implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(DnnlConvolutions.class);
  private final dnnl_engine engine = new dnnl_engine();
  private final dnnl_stream stream = new dnnl_stream();
  private final Map<Object, Op> cache = new HashMap<>();
  private final Scratchpad scratchpad = new Scratchpad();
  private boolean closed;

  /** OpenMP threads per call ({@link OpenMpThreads}), or 0 to leave them as the environment set. */
  private final int ompThreads;

  /**
   * @param ompThreads how many OpenMP threads each call starts, set on the calling thread before it
   *     runs: 1 for a lane (and for a backend split into lanes), or 0 to leave OpenMP alone
   */
  DnnlConvolutions(int ompThreads) {
    this.ompThreads = ompThreads;
    check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
    check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream");
  }

  /** Whether oneDNN takes this geometry (else the caller uses im2col + GEMM). */
  static boolean supports(Conv2dSpec s) {
    return padBottom(s) >= 0 && padRight(s) >= 0;
  }

  private static long padBottom(Conv2dSpec s) {
    return (long) (s.outH() - 1) * s.strideH()
        + (long) (s.kh() - 1) * s.dilationH()
        + 1
        - s.h()
        - s.padTop();
  }

  private static long padRight(Conv2dSpec s) {
    return (long) (s.outW() - 1) * s.strideW()
        + (long) (s.kw() - 1) * s.dilationW()
        + 1
        - s.w()
        - s.padLeft();
  }

  /**
   * Whether a forward convolution is too small to gain from a second thread: below about 32 million
   * multiply-adds OpenMP's team costs more than it saves, and a depthwise convolution is bound by
   * memory anyway. Measured at batch 1 (the calls a model does not split across lanes): MobileNetV2
   * 28.5 ms with every convolution on one thread, 36.5 on two; ResNet50 197 on one, 169 on two;
   * with this split 26.5 and 173 (thresholds of 4, 8, 16, 32 and 64 million tried).
   */
  static boolean small(Conv2dSpec s) {
    long macs =
        (long) s.n() * s.outH() * s.outW() * s.filters() * s.kh() * s.kw() * (s.c() / s.groups());
    return macs < SMALL_MACS || (s.groups() == s.c() && s.groups() > 1);
  }

  private static final long SMALL_MACS = 32_000_000L;

  /** y = f(conv(x, kernel) + bias); bias may be null. */
  synchronized void forward(
      Conv2dSpec s,
      CpuBuffer x,
      CpuBuffer kernel,
      CpuBuffer bias,
      ActivationKind kind,
      float alpha,
      CpuBuffer y) {
    OpenMpThreads.useOnThisThread(small(s) ? 1 : ompThreads);
    Op op =
        cache.computeIfAbsent(
            new Key("fwd", s, kind, alpha, bias != null),
            k -> createForward(s, kind, alpha, bias != null));
    if (bias != null) op.run(stream, x, kernel, bias, y);
    else op.run(stream, x, kernel, y);
  }

  /** dx = d conv / d x, overwritten. */
  synchronized void backwardData(Conv2dSpec s, CpuBuffer dz, CpuBuffer kernel, CpuBuffer dx) {
    OpenMpThreads.useOnThisThread(ompThreads);
    Op op =
        cache.computeIfAbsent(
            new Key("bwd_data", s, ActivationKind.LINEAR, 0f, false), k -> createBackwardData(s));
    op.run(stream, dz, kernel, dx);
  }

  /**
   * dKernel (and dBias when not null) from x and dz, overwritten. The weights pass takes oneDNN's
   * blocked weights layout (its direct kernel, then a reorder to HWIO): measured against the
   * GEMM-based pass on plain weights it was 1.3-5x faster on every W1-W3 layer but one (W2's
   * 15x15x32->64, about even). A fixed choice, not a timed one, so results repeat run to run.
   */
  synchronized void backwardWeights(
      Conv2dSpec s, CpuBuffer x, CpuBuffer dz, CpuBuffer dKernel, CpuBuffer dBias) {
    OpenMpThreads.useOnThisThread(ompThreads);
    Op op =
        cache.computeIfAbsent(
            new Key("bwd_weights", s, ActivationKind.LINEAR, 0f, dBias != null),
            k -> createBackwardWeights(s, dBias != null));
    if (dBias != null) op.run(stream, x, dz, dKernel, dBias);
    else op.run(stream, x, dz, dKernel);
  }

  private record Key(
      String what, Conv2dSpec spec, ActivationKind kind, float alpha, boolean bias) {}

  // ---------------------------------------------------------------- eltwise activations

  private final Map<Object, Op> eltwise = new HashMap<>();

  /** A oneDNN eltwise algorithm with its alpha and beta. */
  private record Eltwise(int alg, float alpha, float beta) {}

  /**
   * oneDNN's forward algorithm for {@code kind}, or null where oneDNN has none that is exactly
   * Keras' definition: SELU (no primitive with its scale), softsign (no primitive) and linear (a
   * copy) stay in Java.
   */
  private static Eltwise forwardAlgorithm(ActivationKind kind, float alpha) {
    return switch (kind) {
      case RELU -> new Eltwise(dnnl_eltwise_relu, 0f, 0f);
      case LEAKY_RELU -> new Eltwise(dnnl_eltwise_relu, alpha, 0f);
      // max(0, min(alpha, x)): Keras' ReLU with max_value alpha.
      case CLIPPED_RELU -> new Eltwise(dnnl_eltwise_clip_v2, 0f, alpha);
      case ELU -> new Eltwise(dnnl_eltwise_elu, alpha, 0f);
      case GELU -> new Eltwise(dnnl_eltwise_gelu_erf, 0f, 0f);
      case GELU_TANH -> new Eltwise(dnnl_eltwise_gelu_tanh, 0f, 0f);
      // x * sigmoid(alpha x) with alpha 1.
      case SILU -> new Eltwise(dnnl_eltwise_swish, 1f, 0f);
      // Keras 3: relu6(x + 3) / 6 = max(0, min(1, x / 6 + 1 / 2)).
      case HARD_SIGMOID -> new Eltwise(dnnl_eltwise_hardsigmoid, 1f / 6f, 0.5f);
      case HARD_SILU -> new Eltwise(dnnl_eltwise_hardswish, 1f / 6f, 0.5f);
      // log(1 + exp(alpha x)) / alpha with alpha 1.
      case SOFTPLUS -> new Eltwise(dnnl_eltwise_soft_relu, 1f, 0f);
      case EXPONENTIAL -> new Eltwise(dnnl_eltwise_exp, 0f, 0f);
      case SIGMOID -> new Eltwise(dnnl_eltwise_logistic, 0f, 0f);
      case TANH -> new Eltwise(dnnl_eltwise_tanh, 0f, 0f);
      case LINEAR, SELU, SOFTSIGN -> null;
    };
  }

  /**
   * oneDNN's backward algorithm for {@code kind}: from the output for the kinds whose derivative
   * comes from it (the SPI may pass y for x after an in-place forward), from the input for the
   * others; null where the Java loop stays (oneDNN's *_use_dst_for_bwd algorithms need a
   * non-negative alpha; hard sigmoid and softplus have none from the output).
   */
  private static Eltwise backwardAlgorithm(ActivationKind kind, float alpha) {
    return switch (kind) {
      case RELU -> new Eltwise(dnnl_eltwise_relu_use_dst_for_bwd, 0f, 0f);
      case LEAKY_RELU ->
          alpha >= 0 ? new Eltwise(dnnl_eltwise_relu_use_dst_for_bwd, alpha, 0f) : null;
      case CLIPPED_RELU ->
          alpha > 0 ? new Eltwise(dnnl_eltwise_clip_v2_use_dst_for_bwd, 0f, alpha) : null;
      case ELU -> alpha >= 0 ? new Eltwise(dnnl_eltwise_elu_use_dst_for_bwd, alpha, 0f) : null;
      case EXPONENTIAL -> new Eltwise(dnnl_eltwise_exp_use_dst_for_bwd, 0f, 0f);
      case SIGMOID -> new Eltwise(dnnl_eltwise_logistic_use_dst_for_bwd, 0f, 0f);
      case TANH -> new Eltwise(dnnl_eltwise_tanh_use_dst_for_bwd, 0f, 0f);
      case GELU -> new Eltwise(dnnl_eltwise_gelu_erf, 0f, 0f);
      case GELU_TANH -> new Eltwise(dnnl_eltwise_gelu_tanh, 0f, 0f);
      case SILU -> new Eltwise(dnnl_eltwise_swish, 1f, 0f);
      case HARD_SILU -> new Eltwise(dnnl_eltwise_hardswish, 1f / 6f, 0.5f);
      case LINEAR, SELU, SOFTSIGN, HARD_SIGMOID, SOFTPLUS -> null;
    };
  }

  /** Whether {@link #activationForward} takes {@code kind}. */
  static boolean hasForward(ActivationKind kind, float alpha) {
    return forwardAlgorithm(kind, alpha) != null;
  }

  /**
   * Whether {@link #activationBackward(ActivationKind, float, CpuBuffer, CpuBuffer, CpuBuffer,
   * CpuBuffer, long)} takes {@code kind}.
   */
  static boolean hasBackward(ActivationKind kind, float alpha) {
    return backwardAlgorithm(kind, alpha) != null;
  }

  /** y = f(x) over {@code n} floats, for a kind {@link #hasForward} accepts. */
  synchronized void activationForward(
      ActivationKind kind, float alpha, CpuBuffer x, CpuBuffer y, long n) {
    OpenMpThreads.useOnThisThread(memoryBoundThreads(n));
    Eltwise e = forwardAlgorithm(kind, alpha);
    if (e == null) throw new IllegalArgumentException("oneDNN has no eltwise for " + kind);
    Op op =
        eltwise.computeIfAbsent(
            java.util.List.of("eltwise_fwd", e, n), k -> createEltwiseForward(e, n));
    op.run(stream, x, y);
  }

  /**
   * dx = dy * f'(.) over {@code n} floats, for a kind {@link #hasBackward} accepts: from y where
   * the kind's derivative comes from the output, else from x.
   */
  synchronized void activationBackward(
      ActivationKind kind,
      float alpha,
      CpuBuffer x,
      CpuBuffer y,
      CpuBuffer dy,
      CpuBuffer dx,
      long n) {
    OpenMpThreads.useOnThisThread(memoryBoundThreads(n));
    Eltwise e = backwardAlgorithm(kind, alpha);
    if (e == null) throw new IllegalArgumentException("oneDNN does not differentiate " + kind);
    boolean fromDst = kind.derivativeFromOutput();
    Op op =
        eltwise.computeIfAbsent(
            java.util.List.of("eltwise_bwd_n", e, n), k -> createEltwiseBackward(e, fromDst, n));
    op.run(stream, fromDst ? y : x, dy, dx);
  }

  private Op createEltwiseForward(Eltwise e, long n) {
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    dnnl_primitive_attr attr = userScratchpadAttr();
    check(
        dnnl_eltwise_forward_primitive_desc_create(
            pd,
            engine,
            dnnl_forward_inference,
            e.alg(),
            desc(dnnl_a, n),
            desc(dnnl_a, n),
            e.alpha(),
            e.beta(),
            attr),
        "eltwise_forward");
    dnnl_primitive_attr_destroy(attr);
    return new Op(
        pd,
        new int[] {DNNL_ARG_SRC, DNNL_ARG_DST},
        new dnnl_memory_desc[] {desc(dnnl_a, n), desc(dnnl_a, n)},
        new boolean[] {false, true},
        engine);
  }

  private Op createEltwiseBackward(Eltwise e, boolean fromDst, long n) {
    dnnl_primitive_desc hint = new dnnl_primitive_desc();
    check(
        dnnl_eltwise_forward_primitive_desc_create(
            hint,
            engine,
            dnnl_forward_training,
            e.alg(),
            desc(dnnl_a, n),
            desc(dnnl_a, n),
            e.alpha(),
            e.beta(),
            null),
        "eltwise_forward");
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    dnnl_primitive_attr attr = userScratchpadAttr();
    check(
        dnnl_eltwise_backward_primitive_desc_create(
            pd,
            engine,
            e.alg(),
            desc(dnnl_a, n),
            desc(dnnl_a, n),
            desc(dnnl_a, n),
            e.alpha(),
            e.beta(),
            hint,
            attr),
        "eltwise_backward");
    dnnl_primitive_attr_destroy(attr);
    dnnl_primitive_desc_destroy(hint);
    return new Op(
        pd,
        new int[] {fromDst ? DNNL_ARG_DST : DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC},
        new dnnl_memory_desc[] {desc(dnnl_a, n), desc(dnnl_a, n), desc(dnnl_a, n)},
        new boolean[] {false, false, true},
        engine);
  }

  // ---------------------------------------------------------------- max pooling

  /**
   * Whether oneDNN takes this pooling: padding smaller than the window on every side. 'Valid'
   * pooling of an odd size leaves the last row or column outside every window; oneDNN takes that as
   * zero padding on the right (its output size rounds down just as Keras' does), reads nothing
   * there and leaves its gradient zero.
   */
  static boolean supports(org.cnn4j.spi.Pool2dSpec s) {
    return s.padTop() < s.poolH()
        && s.padLeft() < s.poolW()
        && poolPadBottom(s) < s.poolH()
        && poolPadRight(s) < s.poolW();
  }

  /** Padding below the input, or 0 where the last windows end above its last row. */
  private static long poolPadBottom(org.cnn4j.spi.Pool2dSpec s) {
    return Math.max(0, (long) (s.outH() - 1) * s.strideH() + s.poolH() - s.h() - s.padTop());
  }

  /** Padding right of the input, or 0 where the last windows end left of its last column. */
  private static long poolPadRight(org.cnn4j.spi.Pool2dSpec s) {
    return Math.max(0, (long) (s.outW() - 1) * s.strideW() + s.poolW() - s.w() - s.padLeft());
  }

  private final Map<org.cnn4j.spi.Pool2dSpec, Op> pools = new HashMap<>();

  /**
   * The gradient primitives of each pooling geometry a backward ran on: made on the first backward,
   * so an inference-only geometry (another batch size) holds no training output or workspace.
   */
  private final Map<org.cnn4j.spi.Pool2dSpec, MaxPoolGradient> poolGradients = new HashMap<>();

  synchronized void maxPoolForward(org.cnn4j.spi.Pool2dSpec s, CpuBuffer x, CpuBuffer y) {
    OpenMpThreads.useOnThisThread(ompThreads);
    pools.computeIfAbsent(s, this::createMaxPoolForward).run(stream, x, y);
  }

  /**
   * The gradient of max pooling. oneDNN's backward reads the positions of the maxima from a
   * workspace its training-mode forward writes, and the SPI passes x rather than that workspace, so
   * the forward runs again here (into the pool's own output and workspace): still several times
   * faster than the Java loop it replaces.
   */
  synchronized void maxPoolBackward(
      org.cnn4j.spi.Pool2dSpec s, CpuBuffer x, CpuBuffer dy, CpuBuffer dx) {
    OpenMpThreads.useOnThisThread(ompThreads);
    poolGradients.computeIfAbsent(s, MaxPoolGradient::new).backward(x, dy, dx);
  }

  private static long[] poolStrides(org.cnn4j.spi.Pool2dSpec s) {
    return new long[] {s.strideH(), s.strideW()};
  }

  private static long[] poolWindow(org.cnn4j.spi.Pool2dSpec s) {
    return new long[] {s.poolH(), s.poolW()};
  }

  private static long[] poolPadL(org.cnn4j.spi.Pool2dSpec s) {
    return new long[] {s.padTop(), s.padLeft()};
  }

  private static long[] poolPadR(org.cnn4j.spi.Pool2dSpec s) {
    return new long[] {poolPadBottom(s), poolPadRight(s)};
  }

  /** oneDNN's pooling forward descriptor for {@code s}, inference or training mode. */
  private dnnl_primitive_desc poolingForwardDesc(org.cnn4j.spi.Pool2dSpec s, int propKind) {
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    dnnl_primitive_attr attr = userScratchpadAttr();
    check(
        dnnl_pooling_forward_primitive_desc_create(
            pd,
            engine,
            propKind,
            dnnl_pooling_max,
            poolSrc(s),
            poolDst(s),
            poolStrides(s),
            poolWindow(s),
            new long[] {0, 0},
            poolPadL(s),
            poolPadR(s),
            attr),
        "pooling_forward");
    dnnl_primitive_attr_destroy(attr);
    return pd;
  }

  private Op createMaxPoolForward(org.cnn4j.spi.Pool2dSpec s) {
    return new Op(
        poolingForwardDesc(s, dnnl_forward_inference),
        new int[] {DNNL_ARG_SRC, DNNL_ARG_DST},
        new dnnl_memory_desc[] {poolSrc(s), poolDst(s)},
        new boolean[] {false, true},
        engine);
  }

  /**
   * The gradient primitives of one pooling geometry, with the training forward's own output and
   * workspace.
   */
  private final class MaxPoolGradient {
    final dnnl_primitive_desc trainingPd;
    final dnnl_primitive training = new dnnl_primitive();
    final dnnl_primitive_desc backwardPd = new dnnl_primitive_desc();
    final dnnl_primitive backward = new dnnl_primitive();
    final dnnl_memory src = new dnnl_memory();
    final dnnl_memory dst = new dnnl_memory();
    final dnnl_memory workspace = new dnnl_memory();
    final dnnl_memory diffDst = new dnnl_memory();
    final dnnl_memory diffSrc = new dnnl_memory();
    final org.bytedeco.javacpp.BytePointer dstStorage;
    final org.bytedeco.javacpp.BytePointer workspaceStorage;
    final dnnl_exec_arg_t trainingArgs = new dnnl_exec_arg_t(4);
    final dnnl_exec_arg_t backwardArgs = new dnnl_exec_arg_t(4);
    final ScratchArg trainingScratch;
    final ScratchArg backwardScratch;

    MaxPoolGradient(org.cnn4j.spi.Pool2dSpec s) {
      trainingPd = poolingForwardDesc(s, dnnl_forward_training);
      check(dnnl_primitive_create(training, trainingPd), "primitive");
      dnnl_primitive_attr attr = userScratchpadAttr();
      check(
          dnnl_pooling_backward_primitive_desc_create(
              backwardPd,
              engine,
              dnnl_pooling_max,
              poolSrc(s),
              poolDst(s),
              poolStrides(s),
              poolWindow(s),
              new long[] {0, 0},
              poolPadL(s),
              poolPadR(s),
              trainingPd,
              attr),
          "pooling_backward");
      dnnl_primitive_attr_destroy(attr);
      check(dnnl_primitive_create(backward, backwardPd), "primitive");
      trainingScratch = ScratchArg.of(trainingPd, engine);
      backwardScratch = ScratchArg.of(backwardPd, engine);
      dnnl_memory_desc wsDesc =
          dnnl_primitive_desc_query_md(trainingPd, dnnl_query_workspace_md, 0);
      dnnl_memory_desc dstDesc = poolDst(s);
      dstStorage = new org.bytedeco.javacpp.BytePointer(dnnl_memory_desc_get_size(dstDesc));
      workspaceStorage =
          new org.bytedeco.javacpp.BytePointer(Math.max(1, dnnl_memory_desc_get_size(wsDesc)));
      check(dnnl_memory_create(dst, dstDesc, engine, dstStorage), "memory");
      check(dnnl_memory_create(workspace, wsDesc, engine, workspaceStorage), "memory");
      check(dnnl_memory_create(src, poolSrc(s), engine, null), "memory");
      check(dnnl_memory_create(diffDst, poolDst(s), engine, null), "memory");
      check(dnnl_memory_create(diffSrc, poolSrc(s), engine, null), "memory");
      trainingArgs.getPointer(0).arg(DNNL_ARG_SRC).memory(src);
      trainingArgs.getPointer(1).arg(DNNL_ARG_DST).memory(dst);
      trainingArgs.getPointer(2).arg(DNNL_ARG_WORKSPACE).memory(workspace);
      backwardArgs.getPointer(0).arg(DNNL_ARG_DIFF_DST).memory(diffDst);
      backwardArgs.getPointer(1).arg(DNNL_ARG_WORKSPACE).memory(workspace);
      backwardArgs.getPointer(2).arg(DNNL_ARG_DIFF_SRC).memory(diffSrc);
      if (trainingScratch != null)
        trainingArgs.getPointer(3).arg(DNNL_ARG_SCRATCHPAD).memory(trainingScratch.memory);
      if (backwardScratch != null)
        backwardArgs.getPointer(3).arg(DNNL_ARG_SCRATCHPAD).memory(backwardScratch.memory);
    }

    void backward(CpuBuffer x, CpuBuffer dy, CpuBuffer dx) {
      check(dnnl_memory_set_data_handle(src, x.pointer), "set_data_handle");
      check(dnnl_memory_set_data_handle(diffDst, dy.pointer), "set_data_handle");
      check(dnnl_memory_set_data_handle(diffSrc, dx.pointer), "set_data_handle");
      if (trainingScratch != null) trainingScratch.point(scratchpad);
      check(
          dnnl_primitive_execute(training, stream, trainingScratch == null ? 3 : 4, trainingArgs),
          "pooling forward");
      if (backwardScratch != null) backwardScratch.point(scratchpad);
      check(
          dnnl_primitive_execute(backward, stream, backwardScratch == null ? 3 : 4, backwardArgs),
          "pooling backward");
      check(dnnl_stream_wait(stream), "stream_wait");
    }

    void close() {
      dnnl_primitive_destroy(training);
      dnnl_primitive_destroy(backward);
      dnnl_primitive_desc_destroy(trainingPd);
      dnnl_primitive_desc_destroy(backwardPd);
      for (dnnl_memory m : new dnnl_memory[] {src, dst, workspace, diffDst, diffSrc})
        dnnl_memory_destroy(m);
      dstStorage.close();
      workspaceStorage.close();
      if (trainingScratch != null) trainingScratch.close();
      if (backwardScratch != null) backwardScratch.close();
    }
  }

  private static dnnl_memory_desc poolSrc(org.cnn4j.spi.Pool2dSpec s) {
    return desc(dnnl_nhwc, s.n(), s.c(), s.h(), s.w());
  }

  private static dnnl_memory_desc poolDst(org.cnn4j.spi.Pool2dSpec s) {
    return desc(dnnl_nhwc, s.n(), s.c(), s.outH(), s.outW());
  }

  // ---------------------------------------------------------------- batch normalisation

  /** One batch-normalisation primitive: which pass, the shape and epsilon (baked into it). */
  private record BatchNormKey(String pass, int rows, int cols, float eps) {}

  /**
   * {@code [rows, cols]} as oneDNN's NHWC tensor of {@code rows} images of one pixel: statistics
   * per channel over all of them, and its vectorised NHWC kernels, split across threads by image.
   * Seen as one image {@code rows} pixels high, the training forward ran 2.1x and the backward 1.3x
   * slower (MobileNetV2, 2 threads).
   */
  private static dnnl_memory_desc batchNormData(int rows, int cols) {
    return desc(dnnl_nhwc, rows, cols, 1, 1);
  }

  /**
   * OpenMP threads for a pass over {@code floats} values (an activation, a batch normalisation):
   * one below a million, where waking a second thread costs more than the pass (MobileNetV2's
   * batch-1 latency rose from about 31 to 37 ms when its small batch normalisations took two).
   */
  private int memoryBoundThreads(long floats) {
    return floats < 1 << 20 ? 1 : ompThreads;
  }

  private static dnnl_memory_desc channels(int cols) {
    return desc(dnnl_a, cols);
  }

  /**
   * y normalised with gamma and beta: by the given mean and variance ({@code withStatistics}), or
   * in training mode by the batch's, which it writes into mean and variance (statistics,
   * normalisation and output in one primitive). x may be y.
   */
  synchronized void batchNormForward(
      boolean withStatistics,
      int rows,
      int cols,
      float eps,
      CpuBuffer x,
      CpuBuffer gamma,
      CpuBuffer beta,
      CpuBuffer mean,
      CpuBuffer variance,
      CpuBuffer y) {
    OpenMpThreads.useOnThisThread(memoryBoundThreads((long) rows * cols));
    cache
        .computeIfAbsent(
            new BatchNormKey(withStatistics ? "apply" : "training", rows, cols, eps),
            k -> createBatchNormForward(rows, cols, eps, withStatistics))
        .run(stream, x, gamma, beta, mean, variance, y);
  }

  /** dx, dGamma and dBeta of training-mode batch normalisation, overwritten. */
  synchronized void batchNormBackward(
      int rows,
      int cols,
      float eps,
      CpuBuffer x,
      CpuBuffer dy,
      CpuBuffer mean,
      CpuBuffer variance,
      CpuBuffer gamma,
      CpuBuffer dx,
      CpuBuffer dGamma,
      CpuBuffer dBeta) {
    OpenMpThreads.useOnThisThread(memoryBoundThreads((long) rows * cols));
    cache
        .computeIfAbsent(
            new BatchNormKey("backward", rows, cols, eps),
            k -> createBatchNormBackward(rows, cols, eps))
        .run(stream, x, dy, mean, variance, gamma, dx, dGamma, dBeta);
  }

  /**
   * The forward primitive, arguments (x, gamma, beta, mean, variance, y): with the given statistics
   * ({@code apply}) or computing them (training: mean and variance are outputs).
   */
  private Op createBatchNormForward(int rows, int cols, float eps, boolean apply) {
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    dnnl_primitive_attr attr = userScratchpadAttr();
    int flags = dnnl_use_scale | dnnl_use_shift | (apply ? dnnl_use_global_stats : 0);
    check(
        dnnl_batch_normalization_forward_primitive_desc_create(
            pd,
            engine,
            apply ? dnnl_forward_inference : dnnl_forward_training,
            batchNormData(rows, cols),
            batchNormData(rows, cols),
            eps,
            flags,
            attr),
        "batch_normalization_forward");
    dnnl_primitive_attr_destroy(attr);
    return new Op(
        pd,
        new int[] {
          DNNL_ARG_SRC,
          DNNL_ARG_SCALE,
          DNNL_ARG_SHIFT,
          DNNL_ARG_MEAN,
          DNNL_ARG_VARIANCE,
          DNNL_ARG_DST
        },
        new dnnl_memory_desc[] {
          batchNormData(rows, cols),
          channels(cols),
          channels(cols),
          channels(cols),
          channels(cols),
          batchNormData(rows, cols)
        },
        new boolean[] {false, false, false, !apply, !apply, true},
        engine);
  }

  /** The backward primitive, arguments (x, dy, mean, variance, gamma, dx, dGamma, dBeta). */
  private Op createBatchNormBackward(int rows, int cols, float eps) {
    int flags = dnnl_use_scale | dnnl_use_shift;
    dnnl_primitive_desc hint = new dnnl_primitive_desc();
    check(
        dnnl_batch_normalization_forward_primitive_desc_create(
            hint,
            engine,
            dnnl_forward_training,
            batchNormData(rows, cols),
            batchNormData(rows, cols),
            eps,
            flags,
            null),
        "batch_normalization_forward");
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    dnnl_primitive_attr attr = userScratchpadAttr();
    check(
        dnnl_batch_normalization_backward_primitive_desc_create(
            pd,
            engine,
            dnnl_backward,
            batchNormData(rows, cols),
            batchNormData(rows, cols),
            batchNormData(rows, cols),
            eps,
            flags,
            hint,
            attr),
        "batch_normalization_backward");
    dnnl_primitive_attr_destroy(attr);
    dnnl_primitive_desc_destroy(hint);
    return new Op(
        pd,
        new int[] {
          DNNL_ARG_SRC,
          DNNL_ARG_DIFF_DST,
          DNNL_ARG_MEAN,
          DNNL_ARG_VARIANCE,
          DNNL_ARG_SCALE,
          DNNL_ARG_DIFF_SRC,
          DNNL_ARG_DIFF_SCALE,
          DNNL_ARG_DIFF_SHIFT
        },
        new dnnl_memory_desc[] {
          batchNormData(rows, cols),
          batchNormData(rows, cols),
          channels(cols),
          channels(cols),
          channels(cols),
          batchNormData(rows, cols),
          channels(cols),
          channels(cols)
        },
        new boolean[] {false, false, false, false, false, true, true, true},
        engine);
  }

  // ---------------------------------------------------------------- primitive creation

  private static dnnl_memory_desc desc(int tag, long... dims) {
    dnnl_memory_desc md = new dnnl_memory_desc();
    check(dnnl_memory_desc_create_with_tag(md, dims.length, dims, dnnl_f32, tag), "memory_desc");
    return md;
  }

  private static dnnl_memory_desc src(Conv2dSpec s) {
    return desc(dnnl_nhwc, s.n(), s.c(), s.h(), s.w());
  }

  /** Our HWIO kernel: {@code hwio} ungrouped, {@code hwigo} (a groups dimension first) grouped. */
  private static dnnl_memory_desc weights(Conv2dSpec s) {
    return s.groups() == 1 ? weightsDesc(s, dnnl_hwio) : weightsDesc(s, dnnl_hwigo);
  }

  /**
   * Weights in the layout oneDNN prefers for this primitive (blocked), reordered to and from HWIO.
   */
  private static dnnl_memory_desc anyWeights(Conv2dSpec s) {
    return weightsDesc(s, dnnl_format_tag_any);
  }

  private static dnnl_memory_desc weightsDesc(Conv2dSpec s, int tag) {
    int g = s.groups();
    return g == 1
        ? desc(tag, s.filters(), s.c(), s.kh(), s.kw())
        : desc(tag, g, s.filters() / g, s.c() / g, s.kh(), s.kw());
  }

  private static dnnl_memory_desc dst(Conv2dSpec s) {
    return desc(dnnl_nhwc, s.n(), s.filters(), s.outH(), s.outW());
  }

  private static dnnl_memory_desc bias(Conv2dSpec s) {
    return desc(dnnl_a, s.filters());
  }

  private static long[] strides(Conv2dSpec s) {
    return new long[] {s.strideH(), s.strideW()};
  }

  /** oneDNN counts dilation from 0 (no gap), Keras from 1. */
  private static long[] dilates(Conv2dSpec s) {
    return new long[] {s.dilationH() - 1, s.dilationW() - 1};
  }

  private static long[] padL(Conv2dSpec s) {
    return new long[] {s.padTop(), s.padLeft()};
  }

  private static long[] padR(Conv2dSpec s) {
    return new long[] {padBottom(s), padRight(s)};
  }

  /**
   * The forward primitive, with the weights in the layout oneDNN chooses: given plain HWIO (or
   * {@code hwigo}) weights, oneDNN 3.11 fell back to its GEMM-based convolution ({@code
   * x64:gemm:jit}) for ungrouped and grouped geometries alike, where its own layout reaches the
   * direct and depthwise kernels ({@code brg_conv_fwd}, {@code brdgmm_dw}): 1.9x faster on W3's
   * second layer, 5x on MobileNetV2's 56x56x144 depthwise layer (AVX2, one thread), for a reorder
   * of the small kernel per call.
   */
  private dnnl_primitive_desc forwardDesc(
      Conv2dSpec s, ActivationKind kind, float alpha, boolean withBias) {
    dnnl_primitive_attr attr = userScratchpadAttr();
    if (kind != ActivationKind.LINEAR) {
      dnnl_post_ops ops = new dnnl_post_ops();
      check(dnnl_post_ops_create(ops), "post_ops");
      Eltwise e = forwardAlgorithm(kind, alpha);
      if (e == null) throw new IllegalArgumentException("oneDNN has no post-op for " + kind);
      check(dnnl_post_ops_append_eltwise(ops, e.alg(), e.alpha(), e.beta()), "post_ops");
      check(dnnl_primitive_attr_set_post_ops(attr, ops), "post_ops");
      dnnl_post_ops_destroy(ops);
    }
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    check(
        dnnl_convolution_forward_primitive_desc_create(
            pd,
            engine,
            dnnl_forward_training,
            dnnl_convolution_direct,
            src(s),
            anyWeights(s),
            withBias ? bias(s) : null,
            dst(s),
            strides(s),
            dilates(s),
            padL(s),
            padR(s),
            attr),
        "convolution_forward");
    dnnl_primitive_attr_destroy(attr);
    return pd;
  }

  private Op createForward(Conv2dSpec s, ActivationKind kind, float alpha, boolean withBias) {
    dnnl_primitive_desc pd = forwardDesc(s, kind, alpha, withBias);
    return withBias
        ? new Op(
            pd,
            new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
            new dnnl_memory_desc[] {src(s), weights(s), bias(s), dst(s)},
            new boolean[] {false, false, false, true},
            engine)
        : new Op(
            pd,
            new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
            new dnnl_memory_desc[] {src(s), weights(s), dst(s)},
            new boolean[] {false, false, true},
            engine);
  }

  private Op createBackwardData(Conv2dSpec s) {
    dnnl_primitive_desc hint = forwardDesc(s, ActivationKind.LINEAR, 0f, false);
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    // Plain HWIO weights send oneDNN to a slow GEMM-based backward; its own layout plus a reorder
    // of the (small) kernel is several times faster.
    dnnl_primitive_attr attr = userScratchpadAttr();
    check(
        dnnl_convolution_backward_data_primitive_desc_create(
            pd,
            engine,
            dnnl_convolution_direct,
            src(s),
            anyWeights(s),
            dst(s),
            strides(s),
            dilates(s),
            padL(s),
            padR(s),
            hint,
            attr),
        "convolution_backward_data");
    dnnl_primitive_attr_destroy(attr);
    dnnl_primitive_desc_destroy(hint);
    return new Op(
        pd,
        new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
        new dnnl_memory_desc[] {dst(s), weights(s), src(s)},
        new boolean[] {false, false, true},
        engine);
  }

  private Op createBackwardWeights(Conv2dSpec s, boolean withBias) {
    dnnl_primitive_desc hint = forwardDesc(s, ActivationKind.LINEAR, 0f, withBias);
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    dnnl_primitive_attr attr = userScratchpadAttr();
    check(
        dnnl_convolution_backward_weights_primitive_desc_create(
            pd,
            engine,
            dnnl_convolution_direct,
            src(s),
            anyWeights(s),
            withBias ? bias(s) : null,
            dst(s),
            strides(s),
            dilates(s),
            padL(s),
            padR(s),
            hint,
            attr),
        "convolution_backward_weights");
    dnnl_primitive_attr_destroy(attr);
    dnnl_primitive_desc_destroy(hint);
    return withBias
        ? new Op(
            pd,
            new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
            new dnnl_memory_desc[] {src(s), dst(s), weights(s), bias(s)},
            new boolean[] {false, false, true, true},
            engine)
        : new Op(
            pd,
            new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
            new dnnl_memory_desc[] {src(s), dst(s), weights(s)},
            new boolean[] {false, false, true},
            engine);
  }

  /**
   * A primitive with one memory object per argument, re-pointed at the caller's buffers each run.
   * Where the primitive chose another layout than the caller's (blocked weights), the argument gets
   * a buffer of its own and a reorder: before the run for inputs, after it for outputs.
   */
  private final class Op {
    final dnnl_primitive primitive = new dnnl_primitive();
    final dnnl_primitive_desc pd;
    final dnnl_memory[] user;
    final Reorder[] reorders;
    final ScratchArg scratch;
    final dnnl_exec_arg_t args;
    final int count;

    Op(
        dnnl_primitive_desc pd,
        int[] argIds,
        dnnl_memory_desc[] plain,
        boolean[] output,
        dnnl_engine engine) {
      this.pd = pd;
      this.count = argIds.length;
      if (LOG.isDebugEnabled()) LOG.debug("oneDNN primitive: {}", implementation(pd));
      check(dnnl_primitive_create(primitive, pd), "primitive");
      user = new dnnl_memory[count];
      reorders = new Reorder[count];
      scratch = ScratchArg.of(pd, engine);
      args = new dnnl_exec_arg_t(count + 1);
      for (int i = 0; i < count; i++) {
        user[i] = new dnnl_memory();
        check(dnnl_memory_create(user[i], plain[i], engine, null), "memory");
        dnnl_memory_desc chosen =
            dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, argIds[i]);
        dnnl_memory arg = user[i];
        if (chosen != null && !chosen.isNull() && dnnl_memory_desc_equal(chosen, plain[i]) == 0) {
          reorders[i] = new Reorder(plain[i], chosen, output[i], engine);
          arg = reorders[i].inner;
        }
        dnnl_memory_desc_destroy(plain[i]);
        args.getPointer(i).arg(argIds[i]).memory(arg);
      }
      if (scratch != null) args.getPointer(count).arg(DNNL_ARG_SCRATCHPAD).memory(scratch.memory);
    }

    void run(dnnl_stream stream, CpuBuffer... buffers) {
      for (int i = 0; i < buffers.length; i++) {
        check(dnnl_memory_set_data_handle(user[i], buffers[i].pointer), "set_data_handle");
      }
      for (int i = 0; i < count; i++) {
        if (reorders[i] != null && !reorders[i].output)
          reorders[i].run(stream, user[i], scratchpad);
      }
      if (scratch != null) scratch.point(scratchpad);
      check(
          dnnl_primitive_execute(primitive, stream, scratch == null ? count : count + 1, args),
          "execute");
      for (int i = 0; i < count; i++) {
        if (reorders[i] != null && reorders[i].output) reorders[i].run(stream, user[i], scratchpad);
      }
      check(dnnl_stream_wait(stream), "stream_wait");
    }

    void close() {
      for (int i = 0; i < count; i++) {
        dnnl_memory_destroy(user[i]);
        if (reorders[i] != null) reorders[i].close();
      }
      if (scratch != null) scratch.close();
      dnnl_primitive_destroy(primitive);
      dnnl_primitive_desc_destroy(pd);
    }
  }

  /**
   * Every primitive here runs in oneDNN's user scratchpad mode, with this instance's own scratch
   * memory. In library mode some implementations (the GEMM-based convolution oneDNN picks for one
   * input channel or dilation) share one global scratchpad, made by the thread that created the
   * primitive, and oneDNN's primitive cache hands the same primitive to every lane of the same
   * geometry: two lanes then ran im2col into one buffer at once (wrong sums, and a SIGSEGV once the
   * buffer was regrown). An instance serves one lane, whose calls are serial, so one growing buffer
   * is enough.
   */
  private static dnnl_primitive_attr userScratchpadAttr() {
    dnnl_primitive_attr attr = new dnnl_primitive_attr();
    check(dnnl_primitive_attr_create(attr), "attr");
    check(
        dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user),
        "scratchpad_mode");
    return attr;
  }

  /** The scratch memory of one instance, grown to the largest a primitive asked for. */
  private static final class Scratchpad {
    private static final long ALIGNMENT = 4096;
    private BytePointer storage;
    private long capacity;

    /** At least {@code bytes} of scratch memory, aligned to a page. */
    Pointer reserve(long bytes) {
      if (bytes > capacity) {
        if (storage != null) storage.close();
        storage = new BytePointer(bytes + ALIGNMENT);
        capacity = bytes;
        storage.position((-storage.address()) & (ALIGNMENT - 1));
      }
      return storage;
    }

    void close() {
      if (storage != null) storage.close();
      storage = null;
      capacity = 0;
    }
  }

  /**
   * A primitive's scratchpad argument: a memory object pointed at the instance's scratchpad each
   * run.
   */
  private static final class ScratchArg {
    final dnnl_memory memory = new dnnl_memory();
    final long bytes;

    private ScratchArg(dnnl_memory_desc md, long bytes, dnnl_engine engine) {
      this.bytes = bytes;
      check(dnnl_memory_create(memory, md, engine, null), "memory");
    }

    /** The scratchpad argument {@code pd} needs, or null when it needs none. */
    static ScratchArg of(dnnl_primitive_desc pd, dnnl_engine engine) {
      dnnl_memory_desc md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
      long bytes = md == null || md.isNull() ? 0 : dnnl_memory_desc_get_size(md);
      return bytes == 0 ? null : new ScratchArg(md, bytes, engine);
    }

    void point(Scratchpad scratchpad) {
      check(dnnl_memory_set_data_handle(memory, scratchpad.reserve(bytes)), "set_data_handle");
    }

    void close() {
      dnnl_memory_destroy(memory);
    }
  }

  /**
   * An argument in oneDNN's own layout: its buffer, and the reorder between it and the caller's.
   */
  private static final class Reorder {
    final boolean output;
    final dnnl_memory inner = new dnnl_memory();
    final org.bytedeco.javacpp.BytePointer storage;
    final dnnl_primitive primitive = new dnnl_primitive();
    final dnnl_primitive_desc pd = new dnnl_primitive_desc();
    final dnnl_exec_arg_t args = new dnnl_exec_arg_t(3);
    final ScratchArg scratch;

    Reorder(dnnl_memory_desc plain, dnnl_memory_desc chosen, boolean output, dnnl_engine engine) {
      this.output = output;
      storage = new org.bytedeco.javacpp.BytePointer(dnnl_memory_desc_get_size(chosen));
      check(dnnl_memory_create(inner, chosen, engine, storage), "memory");
      dnnl_primitive_attr attr = userScratchpadAttr();
      check(
          output
              ? dnnl_reorder_primitive_desc_create(pd, chosen, engine, plain, engine, attr)
              : dnnl_reorder_primitive_desc_create(pd, plain, engine, chosen, engine, attr),
          "reorder");
      dnnl_primitive_attr_destroy(attr);
      check(dnnl_primitive_create(primitive, pd), "reorder primitive");
      scratch = ScratchArg.of(pd, engine);
      if (scratch != null) args.getPointer(2).arg(DNNL_ARG_SCRATCHPAD).memory(scratch.memory);
    }

    void run(dnnl_stream stream, dnnl_memory userMemory, Scratchpad scratchpad) {
      args.getPointer(0).arg(DNNL_ARG_FROM).memory(output ? inner : userMemory);
      args.getPointer(1).arg(DNNL_ARG_TO).memory(output ? userMemory : inner);
      if (scratch != null) scratch.point(scratchpad);
      check(dnnl_primitive_execute(primitive, stream, scratch == null ? 2 : 3, args), "reorder");
    }

    void close() {
      if (scratch != null) scratch.close();
      dnnl_primitive_destroy(primitive);
      dnnl_primitive_desc_destroy(pd);
      dnnl_memory_destroy(inner);
      storage.close();
    }
  }

  /**
   * The name of the implementation oneDNN chose (e.g. {@code jit:avx512_core}, {@code
   * jit_dw:avx512_core}, or {@code ref:any} for its slow reference loops), for the debug log: the
   * cheapest way to see that a geometry reaches a fast kernel.
   */
  static String implementation(dnnl_primitive_desc pd) {
    try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
      if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name) != dnnl_success) {
        return "?";
      }
      return name.getString(0);
    }
  }

  private static void check(int status, String what) {
    if (status != dnnl_success) {
      throw new BackendException(
          "cpu", "oneDNN " + what, "dnnl_status " + status, "oneDNN call failed", null);
    }
  }

  /** Destroys every primitive, the stream and the engine; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    cache.values().forEach(Op::close);
    cache.clear();
    eltwise.values().forEach(Op::close);
    eltwise.clear();
    pools.values().forEach(Op::close);
    pools.clear();
    poolGradients.values().forEach(MaxPoolGradient::close);
    poolGradients.clear();
    scratchpad.close();
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(engine);
  }
}
