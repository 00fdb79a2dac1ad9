package org.cnn4j.backend.cuda;

/**
 * One way of computing {@code C = alpha * op(A) * op(B) + beta * C} (row-major, offsets and leading
 * dimensions in floats, sizes already checked by the backend): {@link OwnGemm}, the module's tiled
 * kernel, or {@link CublasGemm}.
 */
interface CuGemm extends AutoCloseable {
  /** "own" or "cublas". */
  String name();

  /** One line for {@code cnn4j backends}: which GEMM, which library version, TF32 or not. */
  String description();

  void run(
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
      int ldc);

  @Override
  void close();
}
