package org.cnn4j.backend.cuda;

import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.EpilogueOps;
import org.cnn4j.spi.GemmOps;
import org.cnn4j.spi.Im2colConvolution;
import org.cnn4j.spi.KernelGeometry;
import org.cnn4j.spi.MemoryOps;
import org.cnn4j.spi.Ranges;
import org.cnn4j.spi.ReductionOps;

/** conv.cu's im2col and col2im, on which the SPI's convolutions run with GEMM. */
final class CuConvolution extends Im2colConvolution {
  private final CuOps ops;

  CuConvolution(
      CuOps ops, GemmOps gemm, MemoryOps memory, EpilogueOps epilogue, ReductionOps reductions) {
    super(gemm, memory, epilogue, reductions);
    this.ops = ops;
  }

  @Override
  public void im2col(
      Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    int total = Ranges.checkColumns(CuOps.NAME, s, first, count, group);
    CuBuffer cx = ops.range(x, "x", 0, s.inputLength());
    CuBuffer cc = ops.range(cols, "cols", 0, total);
    ops.launch1d(
        "im2col",
        (long) count * s.outH() * s.outW() * (s.c() / s.groups()),
        KernelGeometry.of(s),
        cx.at(0),
        first,
        count,
        group,
        cc.at(0));
  }

  @Override
  public void col2im(
      Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    int total = Ranges.checkColumns(CuOps.NAME, s, first, count, group);
    CuBuffer cc = ops.range(cols, "cols", 0, total);
    CuBuffer cx = ops.range(dx, "dx", 0, s.inputLength());
    ops.launch1d(
        "col2im",
        (long) count * s.h() * s.w() * (s.c() / s.groups()),
        KernelGeometry.of(s),
        cc.at(0),
        first,
        count,
        group,
        cx.at(0));
  }
}
