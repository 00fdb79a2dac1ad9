package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;

/** GEMM and strided-batched GEMM against the reference. */
public final class GemmChecks extends Checks {

  /**
   * One GEMM call. {@code pad} is added to every leading dimension (so lda > width when > 0);
   * {@code offset} is where A starts (B at offset + 1, C at offset + 2); with {@code beta == 0} C
   * starts as NaN, which must not reach the result. With {@code batch > 1} the call is
   * gemmStridedBatched, matrices {@code gap} floats apart, through {@code path}.
   */
  public record GemmCase(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      int pad,
      int offset,
      float alpha,
      float beta,
      int batch,
      OpPath path) {
    @Override
    public String toString() {
      return (transA ? "T" : "N")
          + (transB ? "T" : "N")
          + " m="
          + m
          + " n="
          + n
          + " k="
          + k
          + (pad > 0 ? " ld+" + pad : "")
          + (offset > 0 ? " offset=" + offset : "")
          + " alpha="
          + alpha
          + " beta="
          + beta
          + (beta == 0f ? " (C=NaN)" : "")
          + (batch > 1 ? " batch=" + batch + " " + path : "");
    }

    int rowsA() {
      return transA ? k : m;
    }

    int lda() {
      return (transA ? m : k) + pad;
    }

    int rowsB() {
      return transB ? n : k;
    }

    int ldb() {
      return (transB ? k : n) + pad;
    }

    int ldc() {
      return n + pad;
    }

    static final int GAP = 3;

    long strideA() {
      return (long) rowsA() * lda() + GAP;
    }

    long strideB() {
      return (long) rowsB() * ldb() + GAP;
    }

    long strideC() {
      return (long) m * ldc() + GAP;
    }
  }

  public GemmChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  /**
   * Every transpose combination times shapes that cover k in {1, 7, 37, 1024}, one row or column of
   * C, padding, offsets, beta.
   */
  public static List<GemmCase> cases() {
    List<GemmCase> cases = new ArrayList<>();
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        cases.add(new GemmCase(ta, tb, 1, 1, 1, 0, 0, 1f, 0f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 5, 3, 7, 2, 3, 1f, 0f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 6, 9, 7, 0, 0, -1.5f, 1f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 4, 5, 1, 3, 1, 2f, 0f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 9, 11, 1024, 1, 5, 1f, 0.5f, 1, OpPath.BACKEND));
        // Matrix-vector products (a classifier at batch 1, and its transpose), which a backend
        // may run as GEMV: one row of C, one column of C, then both large enough to split.
        cases.add(new GemmCase(ta, tb, 1, 9, 37, 2, 1, 1f, 0f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 1, 9, 37, 0, 0, -0.5f, 0.5f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 7, 1, 37, 3, 2, 1f, 0f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 7, 1, 37, 1, 0, 2f, 1f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 1, 600, 1024, 1, 0, 1f, 0f, 1, OpPath.BACKEND));
        cases.add(new GemmCase(ta, tb, 600, 1, 1024, 1, 0, 1f, 0f, 1, OpPath.BACKEND));
      }
    }
    for (OpPath path : OpPath.values()) {
      cases.add(new GemmCase(false, false, 4, 5, 7, 1, 2, 1f, 0f, 3, path));
      cases.add(new GemmCase(true, true, 3, 6, 7, 0, 1, 0.5f, 1f, 2, path));
      cases.add(new GemmCase(false, true, 2, 3, 1024, 2, 0, 1f, 0f, 2, path));
    }
    return cases;
  }

  /**
   * Runs one case; the whole C buffer is compared, so writes outside the [m, n] block are caught.
   */
  public void gemm(GemmCase c) {
    Inputs in = Inputs.forCase(c);
    int aLen = (int) (c.offset() + c.batch() * c.strideA());
    int bLen = (int) (c.offset() + 1 + c.batch() * c.strideB());
    int cLen = (int) (c.offset() + 2 + c.batch() * c.strideC());
    float[] a = in.uniform(aLen, -1, 1);
    float[] b = in.uniform(bLen, -1, 1);
    float[] cInit = c.beta() == 0f ? Inputs.filled(cLen, Float.NaN) : in.uniform(cLen, -1, 1);
    try (Session s = session(c.path())) {
      Twin ta = s.upload(a);
      Twin tb = s.upload(b);
      Twin tc = s.upload(cInit);
      s.run(bk -> call(bk, c, c.alpha(), ta.on(bk), tb.on(bk), c.beta(), tc.on(bk)));
      // Sum of |products| per element: the same GEMM on |A|, |B|, |C| with |alpha|, |beta|.
      DeviceBuffer absC = s.referenceOnly(c.beta() == 0f ? new float[cLen] : Inputs.abs(cInit));
      call(
          reference,
          c,
          Math.abs(c.alpha()),
          s.referenceOnly(Inputs.abs(a)),
          s.referenceOnly(Inputs.abs(b)),
          Math.abs(c.beta()),
          absC);
      s.expectClose(
          "gemm " + c, tc, Tolerances.ACCUMULATED, s.readReference(absC, cLen), c.k() + 2L);
    }
  }

  private static void call(
      Backend bk,
      GemmCase c,
      float alpha,
      DeviceBuffer a,
      DeviceBuffer b,
      float beta,
      DeviceBuffer out) {
    if (c.batch() == 1) {
      bk.gemm(
          c.transA(),
          c.transB(),
          c.m(),
          c.n(),
          c.k(),
          alpha,
          a,
          c.offset(),
          c.lda(),
          b,
          c.offset() + 1,
          c.ldb(),
          beta,
          out,
          c.offset() + 2,
          c.ldc());
    } else {
      bk.gemmStridedBatched(
          c.transA(),
          c.transB(),
          c.m(),
          c.n(),
          c.k(),
          alpha,
          a,
          c.offset(),
          c.lda(),
          c.strideA(),
          b,
          c.offset() + 1,
          c.ldb(),
          c.strideB(),
          beta,
          out,
          c.offset() + 2,
          c.ldc(),
          c.strideC(),
          c.batch());
    }
  }
}
