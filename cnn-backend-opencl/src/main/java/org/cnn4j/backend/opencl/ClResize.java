package org.cnn4j.backend.opencl;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.ResizeAdjointPlan;
import org.cnn4j.spi.ResizeOps;

/**
 * resize.cl's bilinear resize of NHWC images and its adjoint, planned by {@link ResizeAdjointPlan}.
 */
final class ClResize implements ResizeOps {
  private static final String RESIZE = "resize.cl";

  private final ClOps ops;
  private final ClMemory memory;

  ClResize(ClOps ops, ClMemory memory) {
    this.ops = ops;
    this.memory = memory;
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    Ranges.checkResize(ClOps.NAME, "resizeBilinear", n, h, w, c, outH, outW);
    ClBuffer cx = ops.range(x, "x", 0, (long) n * h * w * c);
    ClBuffer cy = ops.range(y, "y", 0, (long) n * outH * outW * c);
    int rows = ops.int32((long) n * outH, "resize output rows");
    ops.kernel(RESIZE, "resize_bilinear")
        .launch3d(ops.channelLanes(c), outW, rows, cx, h, w, c, outH, outW, rows, cy);
  }

  /** The adjoint one axis at a time, through the smaller intermediate tensor. */
  @Override
  public void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    Ranges.checkResize(ClOps.NAME, "resizeBilinearBackward", n, h, w, c, outH, outW);
    long inputLength = (long) n * h * w * c;
    ClBuffer cdy = ops.range(dy, "dy", 0, (long) n * outH * outW * c);
    ClBuffer cdx = ops.range(dx, "dx", 0, inputLength);
    // resize.cl's adjoint takes the rows of images as an int.
    ops.int32((long) n * h, "resize input rows");
    ops.int32((long) n * outH, "resize output rows");
    ResizeAdjointPlan plan = ResizeAdjointPlan.of(n, h, w, c, outH, outW);
    if (plan.identity()) {
      memory.copy(dy, 0, dx, 0, inputLength);
      return;
    }
    try (var lease =
        plan.needsScratch()
            ? ops.scratch.lease(ClScratch.Slot.RESIZE_PASS, plan.scratchLength())
            : null) {
      plan.run(cdy, lease == null ? null : lease.buffer(), cdx, this::adjoint);
    }
  }

  /** resize.cl's adjoint along one axis: src [outer, out, inner] to dst [outer, in, inner]. */
  private void adjoint(ClBuffer src, ResizeAdjointPlan.Axis a, ClBuffer dst) {
    int chunk = ops.runLength(a.inner());
    ops.kernel(RESIZE, "resize_bilinear_adjoint")
        .launch3d(
            WorkSizes.ceilDiv(a.inner(), chunk),
            a.in(),
            a.outer(),
            src,
            a.in(),
            a.out(),
            a.inner(),
            a.outer(),
            chunk,
            dst);
  }
}
