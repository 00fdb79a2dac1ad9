package org.cnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.cnn4j.backend.cpu.DnnlSession.check;
import static org.cnn4j.backend.cpu.DnnlSession.desc;
import static org.cnn4j.backend.cpu.DnnlSession.describe;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.cnn4j.spi.ActivationKind;

/**
 * Activations through oneDNN's eltwise primitives, over a flat run of floats, and the algorithm
 * each activation kind is in oneDNN (which convolutions take as their post-op).
 */
final class DnnlEltwise {
  private final DnnlSession session;

  /** One eltwise primitive: forward or backward (from the output or the input), and its size. */
  private record Key(boolean backward, boolean fromDst, Eltwise eltwise, long n) {}

  DnnlEltwise(DnnlSession session) {
    this.session = session;
  }

  /** A oneDNN eltwise algorithm with its alpha and beta. */
  record Eltwise(int alg, float alpha, float beta) {}

  /**
   * oneDNN's forward algorithm for {@code kind}, or null where oneDNN has none that is exactly
   * Keras' definition: SELU (no primitive with its scale), softsign (no primitive) and linear (a
   * copy) stay in Java.
   */
  static Eltwise forwardAlgorithm(ActivationKind kind, float alpha) {
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
  void activationForward(ActivationKind kind, float alpha, CpuBuffer x, CpuBuffer y, long n) {
    Eltwise e = forwardAlgorithm(kind, alpha);
    if (e == null) throw new IllegalArgumentException("oneDNN has no eltwise for " + kind);
    session.run(
        new Key(false, false, e, n),
        session.memoryBoundThreads(n),
        () -> createForward(e, n),
        x,
        y);
  }

  /**
   * dx = dy * f'(.) over {@code n} floats, for a kind {@link #hasBackward} accepts: from y where
   * the kind's derivative comes from the output, else from x.
   */
  void activationBackward(
      ActivationKind kind,
      float alpha,
      CpuBuffer x,
      CpuBuffer y,
      CpuBuffer dy,
      CpuBuffer dx,
      long n) {
    Eltwise e = backwardAlgorithm(kind, alpha);
    if (e == null) throw new IllegalArgumentException("oneDNN does not differentiate " + kind);
    boolean fromDst = kind.derivativeFromOutput();
    session.run(
        new Key(true, fromDst, e, n),
        session.memoryBoundThreads(n),
        () -> createBackward(e, fromDst, n),
        fromDst ? y : x,
        dy,
        dx);
  }

  private DnnlOp createForward(Eltwise e, long n) {
    dnnl_primitive_desc pd =
        describe(
            "eltwise_forward",
            (out, attr) ->
                dnnl_eltwise_forward_primitive_desc_create(
                    out,
                    session.engine(),
                    dnnl_forward_inference,
                    e.alg(),
                    desc(dnnl_a, n),
                    desc(dnnl_a, n),
                    e.alpha(),
                    e.beta(),
                    attr));
    return new DnnlOp(
        pd,
        new int[] {DNNL_ARG_SRC, DNNL_ARG_DST},
        new dnnl_memory_desc[] {desc(dnnl_a, n), desc(dnnl_a, n)},
        new boolean[] {false, true},
        session,
        -1);
  }

  private DnnlOp createBackward(Eltwise e, boolean fromDst, long n) {
    dnnl_primitive_desc hint = new dnnl_primitive_desc();
    check(
        dnnl_eltwise_forward_primitive_desc_create(
            hint,
            session.engine(),
            dnnl_forward_training,
            e.alg(),
            desc(dnnl_a, n),
            desc(dnnl_a, n),
            e.alpha(),
            e.beta(),
            null),
        "eltwise_forward");
    dnnl_primitive_desc pd =
        describe(
            "eltwise_backward",
            (out, attr) ->
                dnnl_eltwise_backward_primitive_desc_create(
                    out,
                    session.engine(),
                    e.alg(),
                    desc(dnnl_a, n),
                    desc(dnnl_a, n),
                    desc(dnnl_a, n),
                    e.alpha(),
                    e.beta(),
                    hint,
                    attr));
    dnnl_primitive_desc_destroy(hint);
    return new DnnlOp(
        pd,
        new int[] {fromDst ? DNNL_ARG_DST : DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC},
        new dnnl_memory_desc[] {desc(dnnl_a, n), desc(dnnl_a, n), desc(dnnl_a, n)},
        new boolean[] {false, false, true},
        session,
        -1);
  }
}
