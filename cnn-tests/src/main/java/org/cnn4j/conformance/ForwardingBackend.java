package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;

/**
 * Forwards every method of the SPI, default methods and {@link #close()} included, to a delegate,
 * so the delegate's own implementation of each op runs. A decorator extends it and overrides only
 * what it changes (the suite's own tests plant one bug at a time this way). ForwardingBackendTest
 * fails when the SPI gains a method this class does not forward.
 */
public class ForwardingBackend extends SpiDefaultsView {
  public ForwardingBackend(Backend delegate) {
    super(delegate);
  }

  /** Closes the delegate: a decorator stands for the backend it wraps. */
  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public List<Backend> lanes() {
    return delegate.lanes();
  }

  @Override
  public DeviceBuffer allocateScratch(long length) {
    return delegate.allocateScratch(length);
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
  public void conv2dForwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    delegate.conv2dForwardFused(s, x, kernel, bias, kind, alpha, y);
  }

  @Override
  public void conv2dBackwardFused(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer y,
      DeviceBuffer dy,
      ActivationKind kind,
      float alpha,
      DeviceBuffer dx,
      DeviceBuffer dKernel,
      DeviceBuffer dBias) {
    delegate.conv2dBackwardFused(s, x, kernel, y, dy, kind, alpha, dx, dKernel, dBias);
  }

  @Override
  public void conv2dBackwardBias(Conv2dSpec s, DeviceBuffer dy, DeviceBuffer dBias) {
    delegate.conv2dBackwardBias(s, dy, dBias);
  }

  @Override
  public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    delegate.biasAdd(y, bias, rows, cols);
  }

  @Override
  public void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    delegate.biasActivationForward(kind, alpha, y, bias, rows, cols);
  }

  @Override
  public void activationBackwardBias(
      ActivationKind kind,
      float alpha,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dz,
      int rows,
      int cols,
      DeviceBuffer dBias) {
    delegate.activationBackwardBias(kind, alpha, y, dy, dz, rows, cols, dBias);
  }
}
