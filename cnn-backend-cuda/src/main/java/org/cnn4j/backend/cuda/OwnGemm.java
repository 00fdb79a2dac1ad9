package org.cnn4j.backend.cuda;

/**
 * SGEMM with the module's tiled kernels (gemm.cu): 128 x 128 tiles when both sides are that long
 * and they fill the GPU, else 64 x 64 ones; when even those leave most SMs idle and k is long (a
 * convolution's filter gradient sums over every pixel of the batch), k is split over slices whose
 * partial products go to a scratch buffer and are folded by {@code gemm_splitk_reduce}. Plain FP32
 * (no TF32).
 */
final class OwnGemm implements CuGemm {
  /** A kernel family: tile sizes and the k step (must match GEMM_ENTRY in gemm.cu). */
  record Tiles(String suffix, int bm, int bn, int bk) {
    static final Tiles LARGE = new Tiles("large", 128, 128, 8);
    static final Tiles SMALL = new Tiles("small", 64, 64, 16);
    static final int THREADS = 256;

    long blocks(int m, int n) {
      return ceilDiv(m, bm) * ceilDiv(n, bn);
    }
  }

  /** How one product is launched: the tiles, and k split into {@code slices} of {@code kChunk}. */
  record Plan(Tiles tiles, int slices, int kChunk) {
    /** Picks tiles and the k split for an {@code m x n} product of depth k on {@code sms} SMs. */
    static Plan of(int m, int n, int k, int sms) {
      // Large tiles only where they are mostly full and still give every SM a block.
      boolean large =
          m >= Tiles.LARGE.bm() && n >= Tiles.LARGE.bn() && Tiles.LARGE.blocks(m, n) >= sms;
      Tiles t = large ? Tiles.LARGE : Tiles.SMALL;
      long blocks = t.blocks(m, n);
      int slices = 1;
      if (blocks < sms && k >= 512) {
        // Enough slices for about two blocks per SM, each slice at least 256 deep.
        slices = (int) Math.max(1, Math.min(Math.min(ceilDiv(2L * sms, blocks), k / 256), 64));
      }
      int chunk = (int) ceilDiv(ceilDiv(k, slices), t.bk()) * t.bk();
      if (k == 0) chunk = t.bk();
      slices = k == 0 ? 1 : (int) ceilDiv(k, chunk);
      return new Plan(t, slices, chunk);
    }
  }

  private final CuModule module;
  private final CuAllocator allocator;
  private final int sms;

  OwnGemm(CuModule module, CuAllocator allocator, int sms) {
    this.module = module;
    this.allocator = allocator;
    this.sms = sms;
  }

  @Override
  public String name() {
    return "own";
  }

  @Override
  public String description() {
    return "own tiled SGEMM kernel (FP32)";
  }

  @Override
  public void run(
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
    Plan plan = Plan.of(m, n, k, sms);
    String kernel =
        "gemm_" + (transA ? "t" : "n") + (transB ? "t" : "n") + "_" + plan.tiles().suffix();
    long gx = ceilDiv(m, plan.tiles().bm());
    int gy = (int) ceilDiv(n, plan.tiles().bn());
    if (plan.slices() == 1) {
      module.launch(
          kernel,
          gx,
          gy,
          1,
          Tiles.THREADS,
          1,
          0,
          m,
          n,
          k,
          plan.kChunk(),
          alpha,
          a.at(aOffset),
          lda,
          b.at(bOffset),
          ldb,
          beta,
          c.at(cOffset),
          ldc,
          0L);
      return;
    }
    long plane = (long) m * n;
    try (CuBuffer partial = allocator.allocate(plan.slices() * plane, false)) {
      module.launch(
          kernel,
          gx,
          gy,
          plan.slices(),
          Tiles.THREADS,
          1,
          0,
          m,
          n,
          k,
          plan.kChunk(),
          1f,
          a.at(aOffset),
          lda,
          b.at(bOffset),
          ldb,
          0f,
          partial.at(0),
          n,
          plane);
      module.launch(
          "gemm_splitk_reduce",
          Math.min(ceilDiv(plane, 256), 32L * sms),
          1,
          1,
          256,
          1,
          0,
          partial.at(0),
          plan.slices(),
          m,
          n,
          alpha,
          beta,
          c.at(cOffset),
          ldc);
    }
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  @Override
  public void close() {
    // The kernels belong to the module.
  }
}
