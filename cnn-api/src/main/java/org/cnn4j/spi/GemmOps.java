package org.cnn4j.spi;

/** The GEMM family of the SPI: matrix products, one or a strided batch. See {@link MemoryOps}. */
public interface GemmOps {

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, with {@code op(X) = X} or {@code X^T}.
   * With {@code beta == 0} C is not read (NaN there does not propagate).
   *
   * <p>Shapes: op(A) {@code [m, k]}, op(B) {@code [k, n]}, C {@code [m, n]}; A is stored {@code [m,
   * lda]} (or {@code [k, lda]} transposed) starting at {@code aOffset}, likewise B and C.
   */
  void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      DeviceBuffer a,
      long aOffset,
      int lda,
      DeviceBuffer b,
      long bOffset,
      int ldb,
      float beta,
      DeviceBuffer c,
      long cOffset,
      int ldc);

  /**
   * {@code batch} independent GEMMs, the i-th at offsets {@code aOffset + i * strideA} etc. Shapes
   * as {@link #gemm}. The default calls {@link #gemm} once per matrix.
   */
  default void gemmStridedBatched(
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
    for (int i = 0; i < batch; i++) {
      gemm(
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          a,
          aOffset + i * strideA,
          lda,
          b,
          bOffset + i * strideB,
          ldb,
          beta,
          c,
          cOffset + i * strideC,
          ldc);
    }
  }
}
