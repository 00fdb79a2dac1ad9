package org.cnn4j.backend.opencl;

import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.EpilogueOps;
import org.cnn4j.spi.GemmOps;
import org.cnn4j.spi.Im2colConvolution;
import org.cnn4j.spi.KernelGeometry;
import org.cnn4j.spi.MemoryOps;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.ReductionOps;

/** conv.cl's im2col and col2im, on which the SPI's convolutions run with GEMM. */
final class ClConvolution extends Im2colConvolution {
  private static final String CONV = "conv.cl";

  private final ClOps ops;

  ClConvolution(
      ClOps ops, GemmOps gemm, MemoryOps memory, EpilogueOps epilogue, ReductionOps reductions) {
    super(gemm, memory, epilogue, reductions);
    this.ops = ops;
  }

  @Override
  public void im2col(
      Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    int total = Ranges.checkColumns(ClOps.NAME, s, first, count, group);
    ClBuffer cx = ops.range(x, "x", 0, s.inputLength());
    ClBuffer cc = ops.range(cols, "cols", 0, total);
    ops.kernel(CONV, "im2col")
        .launch3d(
            ops.channelLanes(s.c() / s.groups()),
            s.outW(),
            (long) count * s.outH(),
            KernelGeometry.of(s),
            cx,
            first,
            count,
            group,
            cc);
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    int total = Ranges.checkColumns(ClOps.NAME, s, first, count, group);
    ClBuffer cc = ops.range(cols, "cols", 0, total);
    ClBuffer cx = ops.range(dx, "dx", 0, s.inputLength());
    ops.kernel(CONV, "col2im")
        .launch3d(
            ops.channelLanes(s.c() / s.groups()),
            s.w(),
            (long) count * s.h(),
            KernelGeometry.of(s),
            cc,
            first,
            count,
            group,
            cx);
  }
}
