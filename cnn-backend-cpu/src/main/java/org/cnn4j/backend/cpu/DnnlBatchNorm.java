package org.cnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.cnn4j.backend.cpu.DnnlSession.check;
import static org.cnn4j.backend.cpu.DnnlSession.desc;
import static org.cnn4j.backend.cpu.DnnlSession.describe;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * Batch normalisation of {@code [rows, cols]} (statistics per column) through oneDNN's
 * batch-normalization primitives: training forward, forward with given statistics, backward.
 */
final class DnnlBatchNorm {
  private final DnnlSession session;

  DnnlBatchNorm(DnnlSession session) {
    this.session = session;
  }

  /** One batch-normalisation primitive: which pass, the shape and epsilon (baked into it). */
  private record Key(String pass, int rows, int cols, float eps) {}

  /**
   * {@code [rows, cols]} as oneDNN's NHWC tensor of {@code rows} images of one pixel: statistics
   * per channel over all of them, and its vectorised NHWC kernels, split across threads by image.
   * Seen as one image {@code rows} pixels high, the training forward ran 2.1x and the backward 1.3x
   * slower (MobileNetV2, 2 threads).
   */
  private static dnnl_memory_desc batchNormData(int rows, int cols) {
    return desc(dnnl_nhwc, rows, cols, 1, 1);
  }

  private static dnnl_memory_desc channels(int cols) {
    return desc(dnnl_a, cols);
  }

  /**
   * y normalised with gamma and beta: by the given mean and variance ({@code withStatistics}), or
   * in training mode by the batch's, which it writes into mean and variance (statistics,
   * normalisation and output in one primitive). x may be y.
   */
  void forward(
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
    session.run(
        new Key(withStatistics ? "apply" : "training", rows, cols, eps),
        session.memoryBoundThreads((long) rows * cols),
        () -> createForward(rows, cols, eps, withStatistics),
        x,
        gamma,
        beta,
        mean,
        variance,
        y);
  }

  /** dx, dGamma and dBeta of training-mode batch normalisation, overwritten. */
  void backward(
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
    session.run(
        new Key("backward", rows, cols, eps),
        session.memoryBoundThreads((long) rows * cols),
        () -> createBackward(rows, cols, eps),
        x,
        dy,
        mean,
        variance,
        gamma,
        dx,
        dGamma,
        dBeta);
  }

  /**
   * The forward primitive, arguments (x, gamma, beta, mean, variance, y): with the given statistics
   * ({@code apply}) or computing them (training: mean and variance are outputs).
   */
  private DnnlOp createForward(int rows, int cols, float eps, boolean apply) {
    int flags = dnnl_use_scale | dnnl_use_shift | (apply ? dnnl_use_global_stats : 0);
    dnnl_primitive_desc pd =
        describe(
            "batch_normalization_forward",
            (out, attr) ->
                dnnl_batch_normalization_forward_primitive_desc_create(
                    out,
                    session.engine(),
                    apply ? dnnl_forward_inference : dnnl_forward_training,
                    batchNormData(rows, cols),
                    batchNormData(rows, cols),
                    eps,
                    flags,
                    attr));
    return new DnnlOp(
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
        session,
        -1);
  }

  /** The backward primitive, arguments (x, dy, mean, variance, gamma, dx, dGamma, dBeta). */
  private DnnlOp createBackward(int rows, int cols, float eps) {
    int flags = dnnl_use_scale | dnnl_use_shift;
    dnnl_primitive_desc hint = new dnnl_primitive_desc();
    check(
        dnnl_batch_normalization_forward_primitive_desc_create(
            hint,
            session.engine(),
            dnnl_forward_training,
            batchNormData(rows, cols),
            batchNormData(rows, cols),
            eps,
            flags,
            null),
        "batch_normalization_forward");
    dnnl_primitive_desc pd =
        describe(
            "batch_normalization_backward",
            (out, attr) ->
                dnnl_batch_normalization_backward_primitive_desc_create(
                    out,
                    session.engine(),
                    dnnl_backward,
                    batchNormData(rows, cols),
                    batchNormData(rows, cols),
                    batchNormData(rows, cols),
                    eps,
                    flags,
                    hint,
                    attr));
    dnnl_primitive_desc_destroy(hint);
    return new DnnlOp(
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
        session,
        -1);
  }
}
