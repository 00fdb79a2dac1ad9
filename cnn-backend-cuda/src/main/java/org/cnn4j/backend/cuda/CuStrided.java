package org.cnn4j.backend.cuda;

import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.StridedOps;
import org.cnn4j.spi.StridedPlan;
import org.cnn4j.spi.StridedView;

/**
 * strided.cu's copies and broadcasting binary ops between strided views, planned by cnn-api's
 * {@link StridedPlan}: grid-stride kernels over the elements, which they index in 32 bits.
 */
final class CuStrided implements StridedOps {
  /** A thread of strided.cu walks one element: the geometry's chunk is not read. */
  private static final int ONE_ELEMENT = 1;

  private final CuOps ops;
  private final CuMemory memory;

  CuStrided(CuOps ops, CuMemory memory) {
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
    CuBuffer ca = ops.range(a, "a", 0, av.extent());
    CuBuffer cb = ops.range(b, "b", 0, bv.extent());
    CuBuffer co = ops.range(out, "out", outOffset, av.size());
    plan.checkElements("binaryBroadcast", CuOps.NAME);
    ops.launch1d(
        "binary_broadcast",
        av.size(),
        op.ordinal(),
        ca.at(0),
        plan.view(0),
        cb.at(0),
        plan.view(1),
        co.at(0),
        plan.view(2),
        plan.geometry(ONE_ELEMENT));
  }

  /** A device copy when both views are one contiguous run, else strided.cu. */
  @Override
  public void copyStrided(DeviceBuffer src, StridedView from, DeviceBuffer dst, StridedView to) {
    StridedPlan plan = StridedPlan.forCopy(from, to);
    CuBuffer cs = ops.range(src, "src", 0, from.extent());
    CuBuffer cd = ops.range(dst, "dst", 0, to.extent());
    plan.checkElements("copyStrided", CuOps.NAME);
    if (plan.contiguous(0) && plan.contiguous(1)) {
      memory.copy(src, from.offset(), dst, to.offset(), from.size());
      return;
    }
    ops.launch1d(
        "copy_strided",
        from.size(),
        cs.at(0),
        plan.view(0),
        cd.at(0),
        plan.view(1),
        plan.geometry(ONE_ELEMENT));
  }
}
