package org.cnn4j.backend.opencl;

import org.cnn4j.spi.CheckedGemm;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.SlicePlan;

/**
 * Launches gemm.cl's register-blocked kernel: picks the transpose variant, and splits k into slices
 * (with a second folding pass) when C has too few tiles to fill the device, as in the weight
 * gradient of a convolution ({@code [kh*kw*c, filters]} summed over every output pixel).
 */
final class ClGemm extends CheckedGemm<ClBuffer> {
  /** Columns of C one work item computes; must match TN in gemm.cl. */
  static final int TILE_N = 8;

  /** Rows of C one work item computes (gemm.cl's TM): 8 unless configured. */
  static final int DEFAULT_TILE_M = 8;

  private final ClContext cl;
  private final ClPrograms programs;
  private final ClAllocator allocator;
  private final ClScratch scratch;
  private final int tileM;

  /**
   * @param tileM rows per work item, 1 to 16: a tuning knob ({@code -Dcnn4j.opencl.gemmRows})
   */
  ClGemm(ClOps ops, int tileM) {
    if (tileM < 1 || tileM > 16)
      throw new IllegalArgumentException("gemm rows per work item must be 1..16, got " + tileM);
    this.cl = ops.cl;
    this.programs = ops.programs;
    this.allocator = ops.allocator;
    this.scratch = ops.scratch;
    this.tileM = tileM;
  }

  @Override
  protected ClBuffer own(DeviceBuffer buffer, String name) {
    return allocator.own(buffer, name);
  }

  /**
   * A transposed B is copied to plain layout first when C has at least this many rows: the plain
   * kernel loads a float8 row vector per k step instead of gathering 8 strided values, and the copy
   * (k * n floats) is small next to the m * n * k product.
   */
  static final int TRANSPOSE_B_MIN_ROWS = 256;

  @Override
  protected void run(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      ClBuffer a,
      long aOffset,
      int lda,
      ClBuffer b,
      long bOffset,
      int ldb,
      float beta,
      ClBuffer c,
      long cOffset,
      int ldc) {
    if (!transB || m < TRANSPOSE_B_MIN_ROWS || k == 0) {
      multiply(
          transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
      return;
    }
    try (var lease = scratch.lease(ClScratch.Slot.GEMM_OPERAND, (long) k * n)) {
      ClBuffer plainB = lease.buffer();
      // B is stored [n, ldb] (n rows of k); plainB becomes [k, n].
      programs
          .kernel("gemm.cl", variant(transA, false), "transpose")
          .launch3d(k, n, 1, b, bOffset, ldb, n, k, plainB);
      multiply(
          transA, false, m, n, k, alpha, a, aOffset, lda, plainB, 0L, n, beta, c, cOffset, ldc);
    }
  }

  private String variant(boolean transA, boolean transB) {
    return "-D TM=" + tileM + " -D TRANS_A=" + (transA ? 1 : 0) + " -D TRANS_B=" + (transB ? 1 : 0);
  }

  private void multiply(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      ClBuffer a,
      long aOffset,
      int lda,
      ClBuffer b,
      long bOffset,
      int ldb,
      float beta,
      ClBuffer c,
      long cOffset,
      int ldc) {
    String variant = variant(transA, transB);
    ClKernel tile = programs.kernel("gemm.cl", variant, "gemm_tile");
    long tilesX = WorkSizes.ceilDiv(n, TILE_N);
    long tilesY = WorkSizes.ceilDiv(m, tileM);
    SlicePlan plan = WorkSizes.slices(tilesX * tilesY, k, tile, cl.device());
    if (!plan.split()) {
      tile.launch3d(
          tilesX,
          tilesY,
          1,
          m,
          n,
          k,
          Math.max(k, 1),
          alpha,
          a,
          aOffset,
          lda,
          b,
          bOffset,
          ldb,
          beta,
          c,
          cOffset,
          ldc,
          0L);
      return;
    }
    long plane = (long) m * n;
    try (var lease = scratch.lease(ClScratch.Slot.GEMM_PARTIAL, plane * plan.slices())) {
      ClBuffer partial = lease.buffer();
      tile.launch3d(
          tilesX,
          tilesY,
          plan.slices(),
          m,
          n,
          k,
          plan.chunk(),
          1f,
          a,
          aOffset,
          lda,
          b,
          bOffset,
          ldb,
          0f,
          partial,
          0L,
          n,
          plane);
      programs
          .kernel("gemm.cl", variant, "gemm_splitk_reduce")
          .launch3d(n, m, 1, m, n, plan.slices(), partial, alpha, beta, c, cOffset, ldc);
    }
  }
}
