package org.cnn4j.backend.cuda;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.ResizeAdjointPlan;
import org.cnn4j.spi.ResizeOps;

/**
 * resize.cu's bilinear resize of NHWC images and its adjoint, planned by {@link ResizeAdjointPlan};
 * the kernels index every tensor, the intermediate one included, in 32 bits.
 */
final class CuResize implements ResizeOps {
  private final CuOps ops;
  private final CuMemory memory;

  CuResize(CuOps ops, CuMemory memory) {
    this.ops = ops;
    this.memory = memory;
  }

  @Override
  public void resizeBilinear(
      DeviceBuffer x, int n, int h, int w, int c, int outH, int outW, DeviceBuffer y) {
    check("resizeBilinear", n, h, w, c, outH, outW);
    CuBuffer cx = ops.range(x, "x", 0, (long) n * h * w * c);
    CuBuffer cy = ops.range(y, "y", 0, (long) n * outH * outW * c);
    int total = n * outH * outW * c;
    ops.launch1d("resize_bilinear", total, cx.at(0), h, w, c, outH, outW, cy.at(0), total);
  }

  /** The adjoint one axis at a time, through the smaller intermediate tensor. */
  @Override
  public void resizeBilinearBackward(
      DeviceBuffer dy, int n, int h, int w, int c, int outH, int outW, DeviceBuffer dx) {
    check("resizeBilinearBackward", n, h, w, c, outH, outW);
    long inputLength = (long) n * h * w * c;
    CuBuffer cdy = ops.range(dy, "dy", 0, (long) n * outH * outW * c);
    CuBuffer cdx = ops.range(dx, "dx", 0, inputLength);
    ResizeAdjointPlan plan = ResizeAdjointPlan.of(n, h, w, c, outH, outW);
    if (plan.identity()) {
      memory.copy(dy, 0, dx, 0, inputLength);
      return;
    }
    try (CuBuffer between = plan.needsScratch() ? ops.scratch(plan.scratchLength()) : null) {
      plan.run(cdy, between, cdx, this::adjoint);
    }
  }

  /** resize.cu's adjoint along one axis: src [outer, out, inner] to dst [outer, in, inner]. */
  private void adjoint(CuBuffer src, ResizeAdjointPlan.Axis a, CuBuffer dst) {
    int total = CuOps.int32((long) a.outer() * a.in() * a.inner(), "resize adjoint");
    ops.launch1d(
        "resize_bilinear_adjoint", total, src.at(0), a.in(), a.out(), a.inner(), dst.at(0), total);
  }

  /** Sizes >= 1 (n and c >= 0) and every tensor indexable in 32 bits, as resize.cu does. */
  private static void check(String op, int n, int h, int w, int c, int outH, int outW) {
    Ranges.checkResize(CuOps.NAME, op, n, h, w, c, outH, outW);
    CuOps.int32((long) n * Math.max(h, outH) * Math.max(w, outW) * c, "resize intermediate");
  }
}
