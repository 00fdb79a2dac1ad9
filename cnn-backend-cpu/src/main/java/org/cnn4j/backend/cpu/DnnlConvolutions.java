package org.cnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.cnn4j.backend.cpu.DnnlSession.check;
import static org.cnn4j.backend.cpu.DnnlSession.desc;
import static org.cnn4j.backend.cpu.DnnlSession.describe;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.cnn4j.spi.ActivationKind;
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
final class DnnlConvolutions {
  private final DnnlSession session;

  DnnlConvolutions(DnnlSession session) {
    this.session = session;
  }

  /**
   * Whether oneDNN takes this geometry (else the caller uses im2col + GEMM). A strided 'valid'
   * convolution whose last rows or columns fall outside every window (ResNet50's 7x7 stride-2 stem
   * over 230 columns, its 1x1 stride-2 shortcuts over 56, 28 and 14) is oneDNN's geometry with no
   * padding on that side: oneDNN's output size rounds down as Keras' does, it reads nothing there
   * and leaves the gradient there zero. Only a spec with more padding than its output needs, or
   * whole strides of input unread, stays with im2col.
   */
  static boolean supports(Conv2dSpec s) {
    return s.padBottom() > -s.strideH() && s.padRight() > -s.strideW();
  }

  /** Whether the last windows end before the input's last row or column. */
  private static boolean leavesInputUnread(Conv2dSpec s) {
    return s.padBottom() < 0 || s.padRight() < 0;
  }

  /**
   * Whether a forward convolution is too small to gain from a second thread: below about 32 million
   * multiply-adds OpenMP's team costs more than it saves, and a depthwise convolution is bound by
   * memory anyway. Measured at batch 1 (the calls a model does not split across lanes): MobileNetV2
   * 28.5 ms with every convolution on one thread, 36.5 on two; ResNet50 197 on one, 169 on two;
   * with this split 26.5 and 173 (thresholds of 4, 8, 16, 32 and 64 million tried). With GNU
   * OpenMP's default wait policy (the team spins between calls) a threshold of 4 million gave
   * MobileNetV2 13.6 against 14.8 ms in a loop of predictions alone, but 17.9-25.0 against
   * 12.4-16.1 ms in five alternated runs of {@code cnn4j bench --model mobilenet_v2} (after
   * training, with single calls up to 192 ms), so 32 million stays.
   */
  static boolean small(Conv2dSpec s) {
    long macs =
        (long) s.n() * s.outH() * s.outW() * s.filters() * s.kh() * s.kw() * (s.c() / s.groups());
    return macs < SMALL_MACS || (s.groups() == s.c() && s.groups() > 1);
  }

  private static final long SMALL_MACS = 32_000_000L;

  /**
   * y = f(conv(x, kernel) + bias), or with {@code residual} y = f(conv(x, kernel) + bias + y):
   * oneDNN's sum post-op reads y (in its plain layout, the primitive's own) as it writes the
   * output, then the activation's. bias may be null.
   */
  void forward(
      Conv2dSpec s,
      CpuBuffer x,
      CpuBuffer kernel,
      CpuBuffer bias,
      ActivationKind kind,
      float alpha,
      CpuBuffer y,
      boolean residual) {
    Key key = new Key(residual ? "fwd_residual" : "fwd", s, kind, alpha, bias != null);
    int threads = small(s) ? 1 : session.ompThreads();
    if (bias != null) {
      session.run(
          key, threads, () -> createForward(s, kind, alpha, true, residual), x, kernel, bias, y);
    } else {
      session.run(key, threads, () -> createForward(s, kind, alpha, false, residual), x, kernel, y);
    }
  }

  /** dx = d conv / d x, overwritten. */
  void backwardData(Conv2dSpec s, CpuBuffer dz, CpuBuffer kernel, CpuBuffer dx) {
    session.run(
        new Key("bwd_data", s, ActivationKind.LINEAR, 0f, false),
        session.ompThreads(),
        () -> createBackwardData(s),
        dz,
        kernel,
        dx);
  }

  /**
   * dKernel (and dBias when not null) from x and dz, overwritten. The weights pass takes oneDNN's
   * blocked weights layout (its direct kernel, then a reorder to HWIO): measured against the
   * GEMM-based pass on plain weights it was 1.3-5x faster on every W1-W3 layer but one (W2's
   * 15x15x32->64, about even). A fixed choice, not a timed one, so results repeat run to run.
   */
  void backwardWeights(
      Conv2dSpec s, CpuBuffer x, CpuBuffer dz, CpuBuffer dKernel, CpuBuffer dBias) {
    Key key = new Key("bwd_weights", s, ActivationKind.LINEAR, 0f, dBias != null);
    // oneDNN 3.11's 1x1 weights pass (jit_1x1:avx2) on more than one thread got the gradient of a
    // strided convolution with an unread last row wrong in about 1 call in 100 (a 6x6 input,
    // stride 2, two threads; always right on one): such geometries take one thread.
    int threads = leavesInputUnread(s) ? 1 : session.ompThreads();
    if (dBias != null) {
      session.run(key, threads, () -> createBackwardWeights(s, true), x, dz, dKernel, dBias);
    } else {
      session.run(key, threads, () -> createBackwardWeights(s, false), x, dz, dKernel);
    }
  }

  private record Key(
      String what, Conv2dSpec spec, ActivationKind kind, float alpha, boolean bias) {}

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
    return new long[] {Math.max(0, s.padBottom()), Math.max(0, s.padRight())};
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
      Conv2dSpec s, ActivationKind kind, float alpha, boolean withBias, boolean residual) {
    DnnlEltwise.Eltwise e =
        kind == ActivationKind.LINEAR ? null : DnnlEltwise.forwardAlgorithm(kind, alpha);
    if (kind != ActivationKind.LINEAR && e == null) {
      throw new IllegalArgumentException("oneDNN has no post-op for " + kind);
    }
    return describe(
        "convolution_forward",
        (out, attr) -> {
          if (e != null || residual) appendPostOps(attr, residual, e);
          return dnnl_convolution_forward_primitive_desc_create(
              out,
              session.engine(),
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
              attr);
        });
  }

  /**
   * The primitive's post-ops, applied to its output in place: with {@code residual} the sum (the
   * output buffer's previous values added), then the activation as an eltwise post-op (none for
   * null).
   */
  private static void appendPostOps(
      dnnl_primitive_attr attr, boolean residual, DnnlEltwise.Eltwise e) {
    dnnl_post_ops ops = new dnnl_post_ops();
    check(dnnl_post_ops_create(ops), "post_ops");
    try {
      if (residual) check(dnnl_post_ops_append_sum(ops, 1f, 0, dnnl_f32), "post_ops");
      if (e != null) {
        check(dnnl_post_ops_append_eltwise(ops, e.alg(), e.alpha(), e.beta()), "post_ops");
      }
      check(dnnl_primitive_attr_set_post_ops(attr, ops), "post_ops");
    } finally {
      dnnl_post_ops_destroy(ops);
    }
  }

  /**
   * The forward's kernel argument, whose blocked copy is kept with the kernel ({@link
   * CpuBuffer#keptCopy}) on a session that is not a lane; -1 on a lane, which runs at the same time
   * as the other lanes on the same kernels.
   */
  private int keptKernel() {
    return session.keepsKernelCopies() ? 1 : -1;
  }

  private DnnlOp createForward(
      Conv2dSpec s, ActivationKind kind, float alpha, boolean withBias, boolean residual) {
    dnnl_primitive_desc pd = forwardDesc(s, kind, alpha, withBias, residual);
    return withBias
        ? new DnnlOp(
            pd,
            new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
            new dnnl_memory_desc[] {src(s), weights(s), bias(s), dst(s)},
            new boolean[] {false, false, false, true},
            session,
            keptKernel())
        : new DnnlOp(
            pd,
            new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
            new dnnl_memory_desc[] {src(s), weights(s), dst(s)},
            new boolean[] {false, false, true},
            session,
            keptKernel());
  }

  private DnnlOp createBackwardData(Conv2dSpec s) {
    dnnl_primitive_desc hint = forwardDesc(s, ActivationKind.LINEAR, 0f, false, false);
    // Plain HWIO weights send oneDNN to a slow GEMM-based backward; its own layout plus a reorder
    // of the (small) kernel is several times faster.
    dnnl_primitive_desc pd =
        describe(
            "convolution_backward_data",
            (out, attr) ->
                dnnl_convolution_backward_data_primitive_desc_create(
                    out,
                    session.engine(),
                    dnnl_convolution_direct,
                    src(s),
                    anyWeights(s),
                    dst(s),
                    strides(s),
                    dilates(s),
                    padL(s),
                    padR(s),
                    hint,
                    attr));
    dnnl_primitive_desc_destroy(hint);
    return new DnnlOp(
        pd,
        new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
        new dnnl_memory_desc[] {dst(s), weights(s), src(s)},
        new boolean[] {false, false, true},
        session,
        -1);
  }

  private DnnlOp createBackwardWeights(Conv2dSpec s, boolean withBias) {
    dnnl_primitive_desc hint = forwardDesc(s, ActivationKind.LINEAR, 0f, withBias, false);
    dnnl_primitive_desc pd =
        describe(
            "convolution_backward_weights",
            (out, attr) ->
                dnnl_convolution_backward_weights_primitive_desc_create(
                    out,
                    session.engine(),
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
                    attr));
    dnnl_primitive_desc_destroy(hint);
    return withBias
        ? new DnnlOp(
            pd,
            new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
            new dnnl_memory_desc[] {src(s), dst(s), weights(s), bias(s)},
            new boolean[] {false, false, true, true},
            session,
            -1)
        : new DnnlOp(
            pd,
            new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
            new dnnl_memory_desc[] {src(s), dst(s), weights(s)},
            new boolean[] {false, false, true},
            session,
            -1);
  }
}
