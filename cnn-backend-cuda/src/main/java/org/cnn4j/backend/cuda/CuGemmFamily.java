package org.cnn4j.backend.cuda;

import org.cnn4j.spi.CheckedGemm;
import org.cnn4j.spi.DeviceBuffer;

/**
 * The GEMM family: the SPI's call, checked on the host by {@link CheckedGemm}, runs on the {@link
 * CuGemm} the backend was configured with ({@link OwnGemm} or {@link CublasGemm}).
 */
final class CuGemmFamily extends CheckedGemm<CuBuffer> {
  private final CuOps ops;
  private final CuGemm gemm;

  CuGemmFamily(CuOps ops, CuGemm gemm) {
    this.ops = ops;
    this.gemm = gemm;
  }

  /** Also binds the context to this thread before anything is launched. */
  @Override
  protected CuBuffer own(DeviceBuffer buffer, String name) {
    ops.cu.ensureHealthy("gemm");
    return ops.allocator.own(buffer, name);
  }

  @Override
  protected void run(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      CuBuffer a,
      long aOffset,
      int lda,
      CuBuffer b,
      long bOffset,
      int ldb,
      float beta,
      CuBuffer c,
      long cOffset,
      int ldc) {
    gemm.run(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
  }
}
