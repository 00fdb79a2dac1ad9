package org.cnn4j.backend.opencl;

import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.StridedOps;
import org.cnn4j.spi.StridedPlan;
import org.cnn4j.spi.StridedView;

/**
 * strided.cl's copies and broadcasting binary ops between strided views, planned by cnn-api's
 * {@link StridedPlan}; a work item walks a run of each row ({@link ClOps#runLength}).
 */
final class ClStrided implements StridedOps {
  private static final String STRIDED = "strided.cl";

  private final ClOps ops;
  private final ClMemory memory;

  ClStrided(ClOps ops, ClMemory memory) {
    this.ops = ops;
    this.memory = memory;
  }

  @Override
  public void binaryBroadcast(
      BinaryOp op,
      DeviceBuffer a,
      StridedView av,
      DeviceBuffer b,
      StridedView bv,
      DeviceBuffer out,
      long outOffset) {
    StridedPlan plan = StridedPlan.forBroadcast(av, bv, outOffset);
    ClBuffer ca = ops.range(a, "a", 0, av.extent());
    ClBuffer cb = ops.range(b, "b", 0, bv.extent());
    ClBuffer co = ops.range(out, "out", outOffset, av.size());
    plan.checkRows("binaryBroadcast", ClOps.NAME);
    int chunk = ops.runLength(plan.innerLength());
    ops.kernel(STRIDED, "binary_broadcast")
        .launch3d(
            plan.chunks(chunk),
            plan.rows(),
            1,
            op.ordinal(),
            ca,
            plan.view(0),
            cb,
            plan.view(1),
            co,
            plan.view(2),
            plan.geometry(chunk));
  }

  /** A plain buffer copy when both views are one contiguous run, else strided.cl by rows. */
  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    StridedPlan plan = StridedPlan.forCopy(from, to);
    ClBuffer cs = ops.range(src, "src", 0, from.extent());
    ClBuffer cd = ops.range(dst, "dst", 0, to.extent());
    plan.checkRows("copyStrided", ClOps.NAME);
    if (plan.contiguous(0) && plan.contiguous(1)) {
      memory.copy(src, from.offset(), dst, to.offset(), from.size());
      return;
    }
    int chunk = ops.runLength(plan.innerLength());
    ops.kernel(STRIDED, "copy_strided")
        .launch3d(
            plan.chunks(chunk),
            plan.rows(),
            1,
            cs,
            plan.view(0),
            cd,
            plan.view(1),
            plan.geometry(chunk));
  }
}
