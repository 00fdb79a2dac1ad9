package org.cnn4j.spi;

/**
 * A GEMM family on a device's own buffers: {@link #gemm} checks the call on the host ({@link
 * Ranges#checkGemm}), returns when C is empty, takes each operand as the device's buffer type with
 * {@link #own} and hands them to {@link #run}. A backend module supplies those two; strided batches
 * are {@link GemmOps}' default, one GEMM per matrix, unless a subclass overrides it.
 *
 * @param <B> the backend's buffer type
 */
public abstract class CheckedGemm<B extends DeviceBuffer> implements GemmOps {

  /** For a subclass. */
  protected CheckedGemm() {}

  @Override
  public final void gemm(
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
      int ldc) {
    Ranges.checkGemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    if (m == 0 || n == 0) return;
    B ca = own(a, "A");
    B cb = own(b, "B");
    B cc = own(c, "C");
    run(transA, transB, m, n, k, alpha, ca, aOffset, lda, cb, bOffset, ldb, beta, cc, cOffset, ldc);
  }

  /**
   * {@code buffer} as this backend's buffer type, after checking that the backend can still run
   * ops.
   *
   * @param name the operand ("A", "B" or "C") an error names
   * @throws IllegalArgumentException when {@code buffer} belongs to another backend
   * @throws IllegalStateException after the backend was closed
   */
  protected abstract B own(DeviceBuffer buffer, String name);

  /**
   * The product on the device, as {@link #gemm} describes it; the ranges are checked and {@code m},
   * {@code n} are positive.
   *
   * @param transA whether op(A) is A transposed
   * @param transB whether op(B) is B transposed
   * @param m rows of op(A) and C
   * @param n columns of op(B) and C
   * @param k columns of op(A), rows of op(B)
   * @param alpha the factor of the product
   * @param a A's buffer
   * @param aOffset where A starts in it
   * @param lda A's row stride
   * @param b B's buffer
   * @param bOffset where B starts in it
   * @param ldb B's row stride
   * @param beta the factor of C's old value (C is not read when 0)
   * @param c C's buffer
   * @param cOffset where C starts in it
   * @param ldc C's row stride
   */
  protected abstract void run(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      B a,
      long aOffset,
      int lda,
      B b,
      long bOffset,
      int ldb,
      float beta,
      B c,
      long cOffset,
      int ldc);
}
