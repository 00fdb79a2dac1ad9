package org.cnn4j.conformance;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;

/**
 * Forwards every op, default methods included, to a delegate. A decorator extends it and overrides
 * only what it changes (the suite's own tests plant one bug at a time this way).
 */
public class ForwardingBackend extends SpiDefaultsView {
  public ForwardingBackend(Backend delegate) {
    super(delegate);
  }

  @Override
  public void gemmStridedBatched(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      DeviceBuffer a,
      long aOffset,
      int lda,
      long strideA,
      DeviceBuffer b,
      long bOffset,
      int ldb,
      long strideB,
      float beta,
      DeviceBuffer c,
      long cOffset,
      int ldc,
      long strideC,
      int batch) {
    delegate.gemmStridedBatched(
        transA, transB, m, n, k, alpha, a, aOffset, lda, strideA, b, bOffset, ldb, strideB, beta, c,
        cOffset, ldc, strideC, batch);
  }

  @Override
  public void conv2dForward(Conv2dSpec s, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    delegate.conv2dForward(s, x, kernel, y);
  }

  @Override
  public void conv2dBackwardData(
      Conv2dSpec s, DeviceBuffer dy, DeviceBuffer kernel, DeviceBuffer dx) {
    delegate.conv2dBackwardData(s, dy, kernel, dx);
  }

  @Override
  public void conv2dBackwardFilter(
      Conv2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dKernel) {
    delegate.conv2dBackwardFilter(s, x, dy, dKernel);
  }

  @Override
  public void conv2dBackwardBias(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias) {
    delegate.conv2dBackwardBias(s, dy, dBias);
  }

  @Override
  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    delegate.biasAdd(y, bias, rows, cols);
  }
}
