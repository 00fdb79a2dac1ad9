package org.cnn4j.backend.cuda;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.KernelGeometry;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.PoolingOps;

/** pool.cu's max and average pooling, forward and backward: one thread per element written. */
final class CuPooling implements PoolingOps {
  private final CuOps ops;

  CuPooling(CuOps ops) {
    this.ops = ops;
  }

  @Override
  public void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    CuBuffer cx = ops.range(x, "x", 0, s.inputLength());
    CuBuffer cy = ops.range(y, "y", 0, s.outputLength());
    int total = CuOps.int32(s.outputLength(), "pooling output");
    CuOps.int32(s.inputLength(), "pooling input");
    ops.launch1d("max_pool_forward", total, KernelGeometry.of(s), cx.at(0), cy.at(0), total);
  }

  @Override
  public void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    CuBuffer cx = ops.range(x, "x", 0, s.inputLength());
    CuBuffer cdy = ops.range(dy, "dy", 0, s.outputLength());
    CuBuffer cdx = ops.range(dx, "dx", 0, s.inputLength());
    int total = CuOps.int32(s.inputLength(), "pooling input");
    ops.launch1d(
        "max_pool_backward", total, KernelGeometry.of(s), cx.at(0), cdy.at(0), cdx.at(0), total);
  }

  @Override
  public void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    CuBuffer cx = ops.range(x, "x", 0, s.inputLength());
    CuBuffer cy = ops.range(y, "y", 0, s.outputLength());
    int total = CuOps.int32(s.outputLength(), "pooling output");
    CuOps.int32(s.inputLength(), "pooling input");
    ops.launch1d("avg_pool_forward", total, KernelGeometry.of(s), cx.at(0), cy.at(0), total);
  }

  @Override
  public void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    CuBuffer cdy = ops.range(dy, "dy", 0, s.outputLength());
    CuBuffer cdx = ops.range(dx, "dx", 0, s.inputLength());
    int total = CuOps.int32(s.inputLength(), "pooling input");
    ops.launch1d("avg_pool_backward", total, KernelGeometry.of(s), cdy.at(0), cdx.at(0), total);
  }
}
