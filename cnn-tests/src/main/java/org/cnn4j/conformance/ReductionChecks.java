package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;

/** reduceMiddle, broadcastMiddle and biasAdd against the reference. */
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

  public ReductionChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
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
