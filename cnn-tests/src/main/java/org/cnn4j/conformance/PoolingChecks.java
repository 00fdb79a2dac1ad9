package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;
import org.opentest4j.AssertionFailedError;

/** Max and average pooling, forward and backward, against the reference. */
public final class PoolingChecks extends Checks {

  /** One pooling geometry, named for the edge it covers. */
  public record PoolCase(String label, Pool2dSpec spec) {
    @Override
    public String toString() {
      Pool2dSpec s = spec;
      return label
          + ": n="
          + s.n()
          + " "
          + s.h()
          + "x"
          + s.w()
          + "x"
          + s.c()
          + " pool "
          + s.poolH()
          + "x"
          + s.poolW()
          + " stride "
          + s.strideH()
          + "x"
          + s.strideW()
          + " pad "
          + s.padTop()
          + "/"
          + s.padLeft();
    }

    /** Most windows that cover one input element (an upper bound on terms summed into dx). */
    long overlap() {
      return (long) ceilDiv(spec.poolH(), spec.strideH()) * ceilDiv(spec.poolW(), spec.strideW());
    }

    private static int ceilDiv(int a, int b) {
      return (a + b - 1) / b;
    }
  }

  public PoolingChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<PoolCase> cases() {
    return List.of(
        new PoolCase("2x2 stride 2, valid", Pool2dSpec.of(2, 6, 8, 3, 2, 2, 2, 2, Padding.VALID)),
        new PoolCase(
            "odd input, valid drops the edge",
            Pool2dSpec.of(2, 7, 5, 2, 2, 2, 2, 2, Padding.VALID)),
        new PoolCase(
            "3x3 stride 2, same, odd input", Pool2dSpec.of(2, 7, 7, 2, 3, 3, 2, 2, Padding.SAME)),
        new PoolCase(
            "overlapping 3x3 stride 1, same", Pool2dSpec.of(1, 5, 6, 3, 3, 3, 1, 1, Padding.SAME)),
        new PoolCase(
            "2x2 stride 2, same, odd input", Pool2dSpec.of(2, 5, 5, 1, 2, 2, 2, 2, Padding.SAME)),
        new PoolCase(
            "rectangular pool and stride", Pool2dSpec.of(2, 8, 9, 2, 3, 2, 2, 1, Padding.VALID)),
        new PoolCase(
            "n=1, c=1, stride larger than pool",
            Pool2dSpec.of(1, 9, 9, 1, 2, 2, 3, 3, Padding.VALID)));
  }

  /** Max pooling selects an input element, so the result is exact. */
  public void maxForward(PoolCase c) {
    Pool2dSpec s = c.spec();
    float[] x = Inputs.forCase(c).uniform((int) s.inputLength(), -1, 1);
    try (Session ss = session()) {
      Twin tx = ss.upload(x);
      Twin ty = ss.upload(Inputs.filled((int) s.outputLength(), Float.NaN));
      ss.run(b -> b.maxPool2dForward(s, tx.on(b), ty.on(b)));
      ss.expectClose("maxPool2dForward " + c, ty, Tolerances.EXACT);
    }
  }

  /** Each window's gradient goes to its maximum; overlapping windows add. dx starts as NaN. */
  public void maxBackward(PoolCase c) {
    Pool2dSpec s = c.spec();
    Inputs in = Inputs.forCase(c);
    maxBackward(
        "maxPool2dBackward " + c,
        s,
        in.uniform((int) s.inputLength(), -1, 1),
        in.uniform((int) s.outputLength(), -1, 1),
        c.overlap());
  }

  private void maxBackward(String what, Pool2dSpec s, float[] x, float[] dy, long overlap) {
    try (Session ss = session()) {
      Twin tx = ss.upload(x);
      Twin tdy = ss.upload(dy);
      Twin tdx = ss.upload(Inputs.filled((int) s.inputLength(), Float.NaN));
      ss.run(b -> b.maxPool2dBackward(s, tx.on(b), tdy.on(b), tdx.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[(int) s.inputLength()]);
      reference.maxPool2dBackward(s, tx.on(reference), ss.referenceOnly(Inputs.abs(dy)), mag);
      ss.expectClose(
          what, tdx, Tolerances.ACCUMULATED, ss.readReference(mag, (int) s.inputLength()), overlap);
    }
  }

  /** Padded positions are not counted in the average. */
  public void avgForward(PoolCase c) {
    Pool2dSpec s = c.spec();
    float[] x = Inputs.forCase(c).uniform((int) s.inputLength(), -1, 1);
    try (Session ss = session()) {
      Twin tx = ss.upload(x);
      Twin ty = ss.upload(Inputs.filled((int) s.outputLength(), Float.NaN));
      ss.run(b -> b.avgPool2dForward(s, tx.on(b), ty.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.avgPool2dForward(s, ss.referenceOnly(Inputs.abs(x)), mag);
      ss.expectClose(
          "avgPool2dForward " + c,
          ty,
          Tolerances.ACCUMULATED,
          ss.readReference(mag, (int) s.outputLength()),
          (long) s.poolH() * s.poolW() + 1);
    }
  }

  public void avgBackward(PoolCase c) {
    Pool2dSpec s = c.spec();
    float[] dy = Inputs.forCase(c).uniform((int) s.outputLength(), -1, 1);
    try (Session ss = session()) {
      Twin tdy = ss.upload(dy);
      Twin tdx = ss.upload(Inputs.filled((int) s.inputLength(), Float.NaN));
      ss.run(b -> b.avgPool2dBackward(s, tdy.on(b), tdx.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[(int) s.inputLength()]);
      reference.avgPool2dBackward(s, ss.referenceOnly(Inputs.abs(dy)), mag);
      ss.expectClose(
          "avgPool2dBackward " + c,
          tdx,
          Tolerances.ACCUMULATED,
          ss.readReference(mag, (int) s.inputLength()),
          c.overlap() + 1);
    }
  }

  /**
   * The tie rule of {@code maxPool2dBackward}: the first maximum in row-major window order
   * (top-left first) takes the whole gradient. First on a constant 4x4 image, where the expected dx
   * is written out, then on overlapping windows over values drawn from {0, 1, 2}.
   */
  public void maxPoolTies() {
    Pool2dSpec s = Pool2dSpec.of(1, 4, 4, 1, 2, 2, 2, 2, Padding.VALID);
    float[] dy = {1, 2, 3, 4};
    float[] expected = {
      1, 0, 2, 0,
      0, 0, 0, 0,
      3, 0, 4, 0,
      0, 0, 0, 0
    };
    try (Session ss = session()) {
      Twin tx = ss.upload(Inputs.filled(16, 1f));
      Twin tdy = ss.upload(dy);
      Twin tdx = ss.upload(Inputs.filled(16, Float.NaN));
      ss.runUnderTest(b -> b.maxPool2dBackward(s, tx.on(b), tdy.on(b), tdx.on(b)));
      float[] got = ss.got(tdx);
      if (!java.util.Arrays.equals(got, expected)) {
        throw new AssertionFailedError(
            "max pooling ties: the top-left maximum of each window takes the gradient",
            java.util.Arrays.toString(expected),
            java.util.Arrays.toString(got));
      }
    }
    Pool2dSpec overlapping = Pool2dSpec.of(2, 6, 7, 2, 3, 3, 1, 1, Padding.SAME);
    Inputs in = new Inputs(7);
    maxBackward(
        "maxPool2dBackward ties among {0, 1, 2}",
        overlapping,
        in.smallIntegers((int) overlapping.inputLength(), 3),
        in.uniform((int) overlapping.outputLength(), -1, 1),
        9);
  }
}
