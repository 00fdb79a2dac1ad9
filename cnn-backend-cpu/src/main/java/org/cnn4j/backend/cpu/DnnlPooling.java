package org.cnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.cnn4j.backend.cpu.DnnlSession.check;
import static org.cnn4j.backend.cpu.DnnlSession.desc;
import static org.cnn4j.backend.cpu.DnnlSession.describe;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.cnn4j.spi.Pool2dSpec;

/** Max pooling through oneDNN's pooling primitives, on NHWC buffers. */
final class DnnlPooling {
  private final DnnlSession session;

  DnnlPooling(DnnlSession session) {
    this.session = session;
  }

  /**
   * Whether oneDNN takes this pooling: padding smaller than the window on every side. 'Valid'
   * pooling of an odd size leaves the last row or column outside every window; oneDNN takes that as
   * zero padding on the right (its output size rounds down just as Keras' does), reads nothing
   * there and leaves its gradient zero.
   */
  static boolean supports(Pool2dSpec s) {
    return s.padTop() < s.poolH()
        && s.padLeft() < s.poolW()
        && poolPadBottom(s) < s.poolH()
        && poolPadRight(s) < s.poolW();
  }

  /** Padding below the input, or 0 where the last windows end above its last row. */
  private static long poolPadBottom(Pool2dSpec s) {
    return Math.max(0, (long) (s.outH() - 1) * s.strideH() + s.poolH() - s.h() - s.padTop());
  }

  /** Padding right of the input, or 0 where the last windows end left of its last column. */
  private static long poolPadRight(Pool2dSpec s) {
    return Math.max(0, (long) (s.outW() - 1) * s.strideW() + s.poolW() - s.w() - s.padLeft());
  }

  /** One pooling primitive: the forward, or the gradient pair, of a geometry. */
  private record Key(boolean backward, Pool2dSpec spec) {}

  void maxPoolForward(Pool2dSpec s, CpuBuffer x, CpuBuffer y) {
    session.run(new Key(false, s), session.ompThreads(), () -> createMaxPoolForward(s), x, y);
  }

  /**
   * The gradient of max pooling. oneDNN's backward reads the positions of the maxima from a
   * workspace its training-mode forward writes, and the SPI passes x rather than that workspace, so
   * the forward runs again here (into the pool's own output and workspace): still several times
   * faster than the Java loop it replaces. The gradient primitives of a geometry are made on its
   * first backward, so an inference-only geometry (another batch size) holds no training output or
   * workspace.
   */
  void maxPoolBackward(Pool2dSpec s, CpuBuffer x, CpuBuffer dy, CpuBuffer dx) {
    session.run(new Key(true, s), session.ompThreads(), () -> new MaxPoolGradient(s), x, dy, dx);
  }

  private static long[] poolStrides(Pool2dSpec s) {
    return new long[] {s.strideH(), s.strideW()};
  }

  private static long[] poolWindow(Pool2dSpec s) {
    return new long[] {s.poolH(), s.poolW()};
  }

  private static long[] poolPadL(Pool2dSpec s) {
    return new long[] {s.padTop(), s.padLeft()};
  }

  private static long[] poolPadR(Pool2dSpec s) {
    return new long[] {poolPadBottom(s), poolPadRight(s)};
  }

  /** oneDNN's pooling forward descriptor for {@code s}, inference or training mode. */
  private dnnl_primitive_desc poolingForwardDesc(Pool2dSpec s, int propKind) {
    dnnl_primitive_desc pd =
        describe(
            "pooling_forward",
            (out, attr) ->
                dnnl_pooling_forward_primitive_desc_create(
                    out,
                    session.engine(),
                    propKind,
                    dnnl_pooling_max,
                    poolSrc(s),
                    poolDst(s),
                    poolStrides(s),
                    poolWindow(s),
                    new long[] {0, 0},
                    poolPadL(s),
                    poolPadR(s),
                    attr));
    return pd;
  }

  private DnnlOp createMaxPoolForward(Pool2dSpec s) {
    return new DnnlOp(
        poolingForwardDesc(s, dnnl_forward_inference),
        new int[] {DNNL_ARG_SRC, DNNL_ARG_DST},
        new dnnl_memory_desc[] {poolSrc(s), poolDst(s)},
        new boolean[] {false, true},
        session,
        -1);
  }

  /**
   * The gradient primitives of one pooling geometry, with the training forward's own output and
   * workspace.
   */
  private final class MaxPoolGradient implements DnnlSession.Primitive {
    final dnnl_primitive_desc trainingPd;
    final dnnl_primitive training = new dnnl_primitive();
    final dnnl_primitive_desc backwardPd;
    final dnnl_primitive backward = new dnnl_primitive();
    final dnnl_memory src = new dnnl_memory();
    final dnnl_memory dst = new dnnl_memory();
    final dnnl_memory workspace = new dnnl_memory();
    final dnnl_memory diffDst = new dnnl_memory();
    final dnnl_memory diffSrc = new dnnl_memory();
    final BytePointer dstStorage;
    final BytePointer workspaceStorage;
    final dnnl_exec_arg_t trainingArgs = new dnnl_exec_arg_t(4);
    final dnnl_exec_arg_t backwardArgs = new dnnl_exec_arg_t(4);
    final DnnlScratchpad.Arg trainingScratch;
    final DnnlScratchpad.Arg backwardScratch;

    MaxPoolGradient(Pool2dSpec s) {
      trainingPd = poolingForwardDesc(s, dnnl_forward_training);
      check(dnnl_primitive_create(training, trainingPd), "primitive");
      backwardPd =
          describe(
              "pooling_backward",
              (out, attr) ->
                  dnnl_pooling_backward_primitive_desc_create(
                      out,
                      session.engine(),
                      dnnl_pooling_max,
                      poolSrc(s),
                      poolDst(s),
                      poolStrides(s),
                      poolWindow(s),
                      new long[] {0, 0},
                      poolPadL(s),
                      poolPadR(s),
                      trainingPd,
                      attr));
      check(dnnl_primitive_create(backward, backwardPd), "primitive");
      trainingScratch = DnnlScratchpad.Arg.of(trainingPd, session.engine());
      backwardScratch = DnnlScratchpad.Arg.of(backwardPd, session.engine());
      dnnl_memory_desc wsDesc =
          dnnl_primitive_desc_query_md(trainingPd, dnnl_query_workspace_md, 0);
      dnnl_memory_desc dstDesc = poolDst(s);
      dstStorage = new BytePointer(dnnl_memory_desc_get_size(dstDesc));
      workspaceStorage = new BytePointer(Math.max(1, dnnl_memory_desc_get_size(wsDesc)));
      check(dnnl_memory_create(dst, dstDesc, session.engine(), dstStorage), "memory");
      check(dnnl_memory_create(workspace, wsDesc, session.engine(), workspaceStorage), "memory");
      check(dnnl_memory_create(src, poolSrc(s), session.engine(), null), "memory");
      check(dnnl_memory_create(diffDst, poolDst(s), session.engine(), null), "memory");
      check(dnnl_memory_create(diffSrc, poolSrc(s), session.engine(), null), "memory");
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

    /** Runs on (x, dy, dx). */
    @Override
    public void run(dnnl_stream stream, DnnlScratchpad scratchpad, CpuBuffer... buffers) {
      check(dnnl_memory_set_data_handle(src, buffers[0].pointer), "set_data_handle");
      check(dnnl_memory_set_data_handle(diffDst, buffers[1].pointer), "set_data_handle");
      check(dnnl_memory_set_data_handle(diffSrc, buffers[2].pointer), "set_data_handle");
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

    @Override
    public void close() {
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

  private static dnnl_memory_desc poolSrc(Pool2dSpec s) {
    return desc(dnnl_nhwc, s.n(), s.c(), s.h(), s.w());
  }

  private static dnnl_memory_desc poolDst(Pool2dSpec s) {
    return desc(dnnl_nhwc, s.n(), s.c(), s.outH(), s.outW());
  }
}
