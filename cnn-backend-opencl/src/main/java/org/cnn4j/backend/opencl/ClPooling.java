package org.cnn4j.backend.opencl;

import java.util.Arrays;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.KernelGeometry;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.PoolingOps;

/** pool.cl's max and average pooling, forward and backward. */
final class ClPooling implements PoolingOps {
  private static final String POOL = "pool.cl";

  private final ClOps ops;
  private final ClMemory memory;

  ClPooling(ClOps ops, ClMemory memory) {
    this.ops = ops;
    this.memory = memory;
  }

  @Override
  public void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    forward("max_pool_forward", s, x, y);
  }

  @Override
  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    forward("avg_pool_forward", s, x, y);
  }

  private void forward(String kernel, Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    ClBuffer cx = ops.range(x, "x", 0, s.inputLength());
    ClBuffer cy = ops.range(y, "y", 0, s.outputLength());
    int rows = ops.int32((long) s.n() * s.outH(), "pooling output rows");
    ops.int32(s.inputLength(), "pooling input");
    ops.kernel(POOL, kernel)
        .launch3d(ops.channelLanes(s.c()), s.outW(), rows, geometry(s), cx, cy, rows);
  }

  /**
   * Windows that do not overlap scatter each gradient to its window's maximum, one work item per
   * output; overlapping ones gather, one work item per input.
   */
  @Override
  public void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    ClBuffer cx = ops.range(x, "x", 0, s.inputLength());
    ClBuffer cdy = ops.range(dy, "dy", 0, s.outputLength());
    ClBuffer cdx = ops.range(dx, "dx", 0, s.inputLength());
    ops.int32(s.inputLength(), "pooling input");
    if (s.strideH() >= s.poolH() && s.strideW() >= s.poolW()) {
      if (!coversInput(s)) memory.fill(dx, 0, s.inputLength(), 0f);
      int rows = ops.int32((long) s.n() * s.outH(), "pooling output rows");
      ops.kernel(POOL, "max_pool_backward_disjoint")
          .launch3d(ops.channelLanes(s.c()), s.outW(), rows, geometry(s), cx, cdy, cdx, rows);
      return;
    }
    int rows = ops.int32((long) s.n() * s.h(), "pooling input rows");
    ops.kernel(POOL, "max_pool_backward")
        .launch3d(ops.channelLanes(s.c()), s.w(), rows, geometry(s), cx, cdy, cdx, rows);
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    ClBuffer cdy = ops.range(dy, "dy", 0, s.outputLength());
    ClBuffer cdx = ops.range(dx, "dx", 0, s.inputLength());
    int rows = ops.int32((long) s.n() * s.h(), "pooling input rows");
    ops.int32(s.inputLength(), "pooling input");
    ops.kernel(POOL, "avg_pool_backward")
        .launch3d(ops.channelLanes(s.c()), s.w(), rows, geometry(s), cdy, cdx, rows);
  }

  /** Whether the pooling windows, laid side by side without overlap, cover every input position. */
  private static boolean coversInput(Pool2dSpec s) {
    return s.strideH() == s.poolH()
        && s.strideW() == s.poolW()
        && s.padTop() == 0
        && s.padLeft() == 0
        && s.outH() * s.strideH() >= s.h()
        && s.outW() * s.strideW() >= s.w();
  }

  /** Pool2dSpec's twelve components padded to pool.cl's int16. */
  private static int[] geometry(Pool2dSpec s) {
    return Arrays.copyOf(KernelGeometry.of(s), 16);
  }
}
