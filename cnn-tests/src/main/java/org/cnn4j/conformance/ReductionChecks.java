package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.ReduceOp;

/** reduce over axes, reduceMiddle, broadcastMiddle and biasAdd against the reference. */
public final class ReductionChecks extends Checks {

  /** A [outer, mid, inner] shape with a scale, and for broadcasts a beta (0: y starts as NaN). */
  public record MiddleCase(int outer, int mid, int inner, float scale, float beta) {
    @Override
    public String toString() {
      return "["
          + outer
          + ", "
          + mid
          + ", "
          + inner
          + "] scale="
          + scale
          + " beta="
          + beta
          + (beta == 0f ? " (y=NaN)" : "");
    }

    int inputLength() {
      return outer * mid * inner;
    }
  }

  /** biasAdd on [rows, cols], through the backend or the SPI default (broadcastMiddle). */
  public record BiasCase(int rows, int cols, OpPath path) {
    @Override
    public String toString() {
      return "rows=" + rows + " cols=" + cols + " [" + path + "]";
    }
  }

  /**
   * {@link Backend#reduce} of a contiguous {@code shape} over {@code axes}, named for the pattern
   * ({@code pattern}: leading, trailing, middle, alternating, all, none); {@code ties} draws the
   * values from {-1, 0, 1}, so most groups hold their extreme several times (ARGMAX and ARGMIN must
   * give the first); {@code nan} puts NaN into a few of the outputs' groups (some get several).
   */
  public record AxesCase(
      ReduceOp op,
      String pattern,
      int[] shape,
      int[] axes,
      float scale,
      boolean ties,
      boolean nan) {
    @Override
    public String toString() {
      return op
          + " "
          + pattern
          + ": "
          + Arrays.toString(shape)
          + " over "
          + Arrays.toString(axes)
          + " scale="
          + scale
          + (ties ? " with ties" : "")
          + (nan ? " with NaN" : "");
    }

    int inputLength() {
      int n = 1;
      for (int d : shape) n *= d;
      return n;
    }

    int outputLength() {
      int n = inputLength();
      for (int a : axes) n /= shape[a];
      return n;
    }
  }

  public ReductionChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  /**
   * Every reduction pattern for every op: none, all, leading, trailing, middle, alternating
   * (several reduced blocks, so ARGMAX and ARGMIN count positions row-major over axes that are not
   * neighbours), size-1 axes among them, a long axis (split into slices on a device), few outputs
   * over many rows (a bias gradient), a scalar; NaN propagation on some; for ARGMAX and ARGMIN also
   * ties (the first position wins), ties with NaN (the first NaN wins) and NaN in the first
   * element.
   */
  public static List<AxesCase> axesCases() {
    List<AxesCase> cases = new ArrayList<>();
    for (ReduceOp op : ReduceOp.values()) {
      cases.add(axes(op, "none", shape(2, 3, 4), axes(), 1f));
      cases.add(axes(op, "none, scaled", shape(5, 7), axes(), -2f));
      cases.add(axes(op, "all", shape(2, 3, 4), axes(0, 1, 2), 1f / 24));
      cases.add(axes(op, "leading", shape(6, 5, 4), axes(0), 1f));
      cases.add(axes(op, "two leading", shape(3, 4, 5, 2), axes(0, 1), 0.5f));
      cases.add(axes(op, "trailing", shape(6, 5, 7), axes(2), 1f));
      cases.add(axes(op, "two trailing", shape(3, 4, 5, 6), axes(2, 3), 1f));
      cases.add(axes(op, "middle", shape(4, 9, 5), axes(1), 1f / 9));
      cases.add(axes(op, "two middle", shape(2, 3, 4, 5), axes(1, 2), 1f));
      cases.add(axes(op, "alternating", shape(3, 4, 5), axes(0, 2), 1f));
      cases.add(axes(op, "alternating, rank 4", shape(2, 3, 4, 5), axes(1, 3), -1f));
      cases.add(axes(op, "alternating, rank 6", shape(2, 3, 2, 3, 2, 3), axes(0, 2, 4), 1f));
      cases.add(axes(op, "size-1 axes among them", shape(2, 1, 3, 1, 4), axes(1, 2, 3), 1f));
      cases.add(axes(op, "only size-1 axes", shape(3, 1, 4), axes(1), 2f));
      cases.add(axes(op, "a long axis", shape(5000), axes(0), 1f));
      cases.add(axes(op, "few outputs over many rows", shape(1000, 3), axes(0), 1f));
      cases.add(axes(op, "rows", shape(3, 1000), axes(1), 1f));
      cases.add(axes(op, "a scalar", shape(), axes(), 3f));
      cases.add(new AxesCase(op, "middle", shape(4, 9, 5), axes(1), 1f, false, true));
      cases.add(new AxesCase(op, "a long axis", shape(5000), axes(0), 1f, false, true));
    }
    for (ReduceOp op : List.of(ReduceOp.ARGMAX, ReduceOp.ARGMIN)) {
      for (boolean nan : List.of(false, true)) {
        cases.add(new AxesCase(op, "all", shape(2, 3, 4), axes(0, 1, 2), 1f, true, nan));
        cases.add(new AxesCase(op, "leading", shape(6, 5, 4), axes(0), 1f, true, nan));
        cases.add(new AxesCase(op, "trailing", shape(6, 5, 7), axes(2), 1f, true, nan));
        cases.add(new AxesCase(op, "two trailing", shape(3, 4, 5, 6), axes(2, 3), 1f, true, nan));
        cases.add(new AxesCase(op, "middle", shape(4, 9, 5), axes(1), 1f, true, nan));
        cases.add(new AxesCase(op, "alternating", shape(3, 4, 5), axes(0, 2), 2f, true, nan));
        cases.add(
            new AxesCase(
                op, "alternating, rank 6", shape(2, 3, 2, 3, 2, 3), axes(0, 2, 4), 1f, true, nan));
        cases.add(new AxesCase(op, "a long axis", shape(5000), axes(0), 1f, true, nan));
        cases.add(
            new AxesCase(op, "few outputs over many rows", shape(1000, 3), axes(0), 1f, true, nan));
        cases.add(new AxesCase(op, "rows", shape(3, 1000), axes(1), 1f, true, nan));
      }
      cases.add(new AxesCase(op, "NaN first: rows", shape(7, 300), axes(1), 1f, false, true));
      cases.add(new AxesCase(op, "NaN first: a long axis", shape(5000), axes(0), 1f, false, true));
    }
    return cases;
  }

  private static AxesCase axes(ReduceOp op, String pattern, int[] shape, int[] axes, float scale) {
    return new AxesCase(op, pattern, shape, axes, scale, false, false);
  }

  private static float[] shifted(float[] v, float by) {
    for (int i = 0; i < v.length; i++) v[i] += by;
    return v;
  }

  private static int[] shape(int... s) {
    return s;
  }

  private static int[] axes(int... a) {
    return a;
  }

  public static List<MiddleCase> reduceCases() {
    return List.of(
        new MiddleCase(1, 1, 1, 1f, 0f),
        new MiddleCase(3, 7, 5, 1f, 0f),
        new MiddleCase(1, 1000, 3, 0.5f, 0f),
        new MiddleCase(4, 1, 9, -2f, 0f),
        new MiddleCase(2, 300, 17, 1f / 300, 0f),
        new MiddleCase(1, 4096, 1, 1f, 0f));
  }

  public static List<MiddleCase> broadcastCases() {
    return List.of(
        new MiddleCase(1, 1, 1, 1f, 0f),
        new MiddleCase(3, 7, 5, 1f, 0f),
        new MiddleCase(3, 7, 5, 1f, 1f),
        new MiddleCase(2, 100, 3, -0.5f, 0.25f),
        new MiddleCase(1, 64, 10, 2f, 0f));
  }

  public static List<BiasCase> biasCases() {
    List<BiasCase> cases = new java.util.ArrayList<>();
    for (OpPath path : OpPath.values()) {
      cases.add(new BiasCase(1, 1, path));
      cases.add(new BiasCase(33, 10, path));
      cases.add(new BiasCase(128, 3, path));
    }
    return cases;
  }

  /**
   * out starts as NaN (it is overwritten). SUM within the summation bound; MAX and MIN exactly
   * (scale times the extreme is one rounding on both sides), NaN where a group holds one; ARGMAX
   * and ARGMIN exactly (positions, the scale ignored).
   */
  public void reduce(AxesCase c) {
    Inputs in = Inputs.forCase(c);
    float[] x =
        c.ties()
            ? shifted(in.smallIntegers(c.inputLength(), 3), -1f)
            : in.uniform(c.inputLength(), -1, 1);
    if (c.nan()) {
      // "NaN first": every group's first element (row-major position 0 of a trailing reduction).
      int first = c.pattern().startsWith("NaN first") ? 0 : 3;
      int every = c.pattern().startsWith("NaN first") ? c.shape()[c.shape().length - 1] : 17;
      for (int i = first; i < x.length; i += every) x[i] = Float.NaN;
      if (c.pattern().startsWith("NaN first")) x[x.length - 1] = Float.NaN;
    }
    int outLen = c.outputLength();
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin out = s.upload(Inputs.filled(outLen, Float.NaN));
      s.run(b -> b.reduce(c.op(), tx.on(b), c.shape(), c.axes(), c.scale(), out.on(b)));
      if (c.op() != ReduceOp.SUM) {
        s.expectClose("reduce " + c, out, Tolerances.EXACT);
        return;
      }
      DeviceBuffer mag = s.referenceOnly(new float[outLen]);
      reference.reduce(
          ReduceOp.SUM,
          s.referenceOnly(Inputs.abs(x)),
          c.shape(),
          c.axes(),
          Math.abs(c.scale()),
          mag);
      s.expectClose(
          "reduce " + c,
          out,
          Tolerances.ACCUMULATED,
          s.readReference(mag, outLen),
          c.inputLength() / outLen + 1L);
    }
  }

  /** Axes out of range, repeated or descending are an {@link IllegalArgumentException}. */
  public void rejectsBadAxes() {
    try (Session s = session()) {
      Twin x = s.upload(new float[24]);
      Twin out = s.upload(new float[24]);
      int[] shape = {2, 3, 4};
      s.runUnderTest(
          b -> {
            for (int[] bad : new int[][] {{3}, {-1}, {1, 1}, {2, 0}}) {
              assertThrows(
                  IllegalArgumentException.class,
                  () -> b.reduce(ReduceOp.SUM, x.on(b), shape, bad, 1f, out.on(b)),
                  "axes " + Arrays.toString(bad));
            }
          });
    }
  }

  public void reduceMiddle(MiddleCase c) {
    float[] x = Inputs.forCase(c).uniform(c.inputLength(), -1, 1);
    int outLen = c.outer() * c.inner();
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin out = s.upload(Inputs.filled(outLen, Float.NaN));
      s.run(b -> b.reduceMiddle(tx.on(b), c.outer(), c.mid(), c.inner(), c.scale(), out.on(b)));
      DeviceBuffer mag = s.referenceOnly(new float[outLen]);
      reference.reduceMiddle(
          s.referenceOnly(Inputs.abs(x)), c.outer(), c.mid(), c.inner(), Math.abs(c.scale()), mag);
      s.expectClose(
          "reduceMiddle " + c,
          out,
          Tolerances.ACCUMULATED,
          s.readReference(mag, outLen),
          c.mid() + 1L);
    }
  }

  public void broadcastMiddle(MiddleCase c) {
    Inputs in = Inputs.forCase(c);
    float[] src = in.uniform(c.outer() * c.inner(), -1, 1);
    float[] y =
        c.beta() == 0f
            ? Inputs.filled(c.inputLength(), Float.NaN)
            : in.uniform(c.inputLength(), -1, 1);
    try (Session s = session()) {
      Twin tsrc = s.upload(src);
      Twin ty = s.upload(y);
      s.run(
          b ->
              b.broadcastMiddle(
                  tsrc.on(b), c.outer(), c.mid(), c.inner(), c.scale(), c.beta(), ty.on(b)));
      s.expectClose("broadcastMiddle " + c, ty, Tolerances.ROUNDED);
    }
  }

  public void biasAdd(BiasCase c) {
    Inputs in = Inputs.forCase(c);
    float[] y = in.uniform(c.rows() * c.cols(), -1, 1);
    float[] bias = in.uniform(c.cols(), -1, 1);
    try (Session s = session(c.path())) {
      Twin ty = s.upload(y);
      Twin tb = s.upload(bias);
      s.run(b -> b.biasAdd(ty.on(b), tb.on(b), c.rows(), c.cols()));
      s.expectClose("biasAdd " + c, ty, Tolerances.ROUNDED);
    }
  }
}
