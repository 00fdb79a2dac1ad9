package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;
import static org.cnn4j.backend.cpu.CpuBuffer.own;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;

/**
 * GEMM in OpenBLAS, which runs single-threaded: a large product is split here, by rows, columns or
 * the reduction, across the backend's threads, so OpenBLAS's own threads never spin against ours
 * and small products (most of a small CNN) stay on the caller.
 */
final class Gemm {
  /** Below this many multiply-adds a GEMM is not worth a second thread. */
  private static final long MIN_GEMM_WORK_PER_THREAD = 1L << 18;

  private final Parallel parallel;
  private final BufferPool pool;

  Gemm(Parallel parallel, BufferPool pool) {
    this.parallel = parallel;
    this.pool = pool;
  }

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
      int ldc) {
    Ranges.checkGemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    if (m == 0 || n == 0) return;
    long work = (long) m * n * Math.max(k, 1);
    // A matrix-vector product (m or n is 1) runs as one GEMV (see sgemm), bound by memory: handing
    // half to a second thread costs more than it saves (MobileNetV2's classifier at batch 1,
    // 1280 x 1000: 0.39 ms on one thread, 0.8-0.9 split in two).
    boolean vector = m == 1 || n == 1;
    int parts = vector ? 1 : (int) Math.min(parallel.threads(), work / MIN_GEMM_WORK_PER_THREAD);
    if (parts <= 1 || k == 0) {
      sgemm(
          transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    } else if (m >= parts * 8L || m >= n && m >= parts) {
      parallel.forRange(
          parts,
          work,
          (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
              int r0 = (int) ((long) m * p / parts);
              int r1 = (int) ((long) m * (p + 1) / parts);
              long aPart = transA ? aOffset + r0 : aOffset + (long) r0 * lda;
              sgemm(
                  transA,
                  transB,
                  r1 - r0,
                  n,
                  k,
                  alpha,
                  a,
                  aPart,
                  lda,
                  b,
                  bOffset,
                  ldb,
                  beta,
                  c,
                  cOffset + (long) r0 * ldc,
                  ldc);
            }
          });
    } else if (n >= parts * 8L) {
      parallel.forRange(
          parts,
          work,
          (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
              int c0 = (int) ((long) n * p / parts);
              int c1 = (int) ((long) n * (p + 1) / parts);
              long bPart = transB ? bOffset + (long) c0 * ldb : bOffset + c0;
              sgemm(
                  transA,
                  transB,
                  m,
                  c1 - c0,
                  k,
                  alpha,
                  a,
                  aOffset,
                  lda,
                  b,
                  bPart,
                  ldb,
                  beta,
                  c,
                  cOffset + c0,
                  ldc);
            }
          });
    } else {
      splitReduction(
          parts, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset,
          ldc);
    }
  }

  /**
   * A small C with a long reduction (a filter gradient): each part reduces a slice of k into its
   * own partial C, and the partials are added.
   */
  private void splitReduction(
      int parts,
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
    try (DeviceBuffer partial = pool.allocate((long) parts * m * n)) {
      parallel.forRange(
          parts,
          (long) m * n * k,
          (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
              int k0 = (int) ((long) k * p / parts);
              int k1 = (int) ((long) k * (p + 1) / parts);
              long aPart = transA ? aOffset + (long) k0 * lda : aOffset + k0;
              long bPart = transB ? bOffset + k0 : bOffset + (long) k0 * ldb;
              sgemm(
                  transA,
                  transB,
                  m,
                  n,
                  k1 - k0,
                  1f,
                  a,
                  aPart,
                  lda,
                  b,
                  bPart,
                  ldb,
                  0f,
                  partial,
                  (long) p * m * n,
                  n);
            }
          });
      Floats sum = floats(partial);
      Floats out = floats(c);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float acc = 0;
          for (int p = 0; p < parts; p++) acc += sum.get(p * m * n + i * n + j);
          int ci = (int) (cOffset + (long) i * ldc + j);
          out.put(ci, beta == 0f ? alpha * acc : alpha * acc + beta * out.get(ci));
        }
      }
    }
  }

  /**
   * One OpenBLAS call on the calling thread. Shapes as {@link #gemm}. A product with one row or one
   * column of C is a matrix-vector product: OpenBLAS' GEMM would still pack all of the other
   * operand (a 1280 x 1000 classifier at batch 1: 1.0 ms, as GEMV 0.1 ms on this machine).
   */
  static void sgemm(
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
    if (k > 0 && m == 1) {
      // C's row = op(B)^T x, x = op(A)'s row (a column of A's storage when transposed).
      gemv(
          !transB,
          transB ? n : k,
          transB ? k : n,
          alpha,
          b,
          bOffset,
          ldb,
          a,
          aOffset,
          transA ? lda : 1,
          beta,
          c,
          cOffset,
          1);
      return;
    }
    if (k > 0 && n == 1) {
      // C's column = op(A) x, x = op(B)'s column (a row of B's storage when transposed).
      gemv(
          transA,
          transA ? k : m,
          transA ? m : k,
          alpha,
          a,
          aOffset,
          lda,
          b,
          bOffset,
          transB ? 1 : ldb,
          beta,
          c,
          cOffset,
          ldc);
      return;
    }
    openblas_full.cblas_sgemm(
        openblas_full.CblasRowMajor,
        transA ? openblas_full.CblasTrans : openblas_full.CblasNoTrans,
        transB ? openblas_full.CblasTrans : openblas_full.CblasNoTrans,
        m,
        n,
        k,
        alpha,
        at(a, aOffset),
        lda,
        at(b, bOffset),
        ldb,
        beta,
        at(c, cOffset),
        ldc);
  }

  /**
   * {@code y = alpha * op(M) x + beta * y} for the row-major {@code rows x cols} matrix M ({@code
   * op(M)} its transpose when {@code trans}). With beta 0, y is zeroed first: BLAS leaves scaling y
   * by 0 to its SCAL, which some kernels let NaN through (0 * NaN), and GEMM's C is write-only
   * then.
   */
  private static void gemv(
      boolean trans,
      int rows,
      int cols,
      float alpha,
      DeviceBuffer m,
      long mOffset,
      int ldm,
      DeviceBuffer x,
      long xOffset,
      int incx,
      float beta,
      DeviceBuffer y,
      long yOffset,
      int incy) {
    int length = trans ? cols : rows;
    if (beta == 0f) {
      Floats out = floats(y);
      if (incy == 1) {
        out.zero(yOffset, length);
      } else {
        for (int i = 0; i < length; i++) out.put((int) (yOffset + (long) i * incy), 0f);
      }
    }
    openblas_full.cblas_sgemv(
        openblas_full.CblasRowMajor,
        trans ? openblas_full.CblasTrans : openblas_full.CblasNoTrans,
        rows,
        cols,
        alpha,
        at(m, mOffset),
        ldm,
        at(x, xOffset),
        incx,
        beta,
        at(y, yOffset),
        incy);
  }

  private static FloatPointer at(DeviceBuffer b, long offset) {
    return new FloatPointer(own(b).pointer).position(offset);
  }
}
