package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;

/**
 * {@link Backend#resizeBilinear} and its adjoint against the reference: up and down by whole and
 * fractional factors, odd sizes, 1x1 on either side, an axis that keeps its size.
 */
public final class ResizeChecks extends Checks {

  /** x [n, h, w, c] resized to [n, outH, outW, c]. */
  public record ResizeCase(String label, int n, int h, int w, int c, int outH, int outW) {
    @Override
    public String toString() {
      return label + ": n=" + n + " " + h + "x" + w + "x" + c + " -> " + outH + "x" + outW;
    }

    int inputLength() {
      return n * h * w * c;
    }

    int outputLength() {
      return n * outH * outW * c;
    }

    /** At most how many output taps land on one input element: per axis 2 * ceil(out / in) + 2. */
    long taps() {
      return (2L * ((outH + h - 1) / h) + 2) * (2L * ((outW + w - 1) / w) + 2);
    }
  }

  public ResizeChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<ResizeCase> cases() {
    return List.of(
        new ResizeCase("up 2x (UpSampling2D bilinear)", 2, 3, 4, 3, 6, 8),
        new ResizeCase("up by fractions, odd sizes", 1, 5, 3, 2, 7, 8),
        new ResizeCase("down, odd sizes", 2, 7, 9, 2, 3, 4),
        new ResizeCase("down 4x", 1, 8, 8, 3, 2, 2),
        new ResizeCase("from 1x1", 2, 1, 1, 3, 4, 3),
        new ResizeCase("to 1x1", 1, 5, 5, 2, 1, 1),
        new ResizeCase("width only", 2, 4, 6, 2, 4, 9),
        new ResizeCase("height only", 1, 3, 5, 4, 7, 5),
        new ResizeCase("same size", 1, 3, 4, 2, 3, 4),
        new ResizeCase("n=1 c=1, up 3x", 1, 4, 5, 1, 12, 15),
        new ResizeCase("many channels", 2, 6, 5, 33, 9, 10));
  }

  /** y starts as NaN: it is overwritten. A weighted sum of four taps per element. */
  public void forward(ResizeCase c) {
    float[] x = Inputs.forCase(c).uniform(c.inputLength(), -1, 1);
    try (Session s = session()) {
      Twin tx = s.upload(x);
      Twin ty = s.upload(Inputs.filled(c.outputLength(), Float.NaN));
      s.run(
          b ->
              b.resizeBilinear(tx.on(b), c.n(), c.h(), c.w(), c.c(), c.outH(), c.outW(), ty.on(b)));
      DeviceBuffer mag = s.referenceOnly(new float[c.outputLength()]);
      reference.resizeBilinear(
          s.referenceOnly(Inputs.abs(x)), c.n(), c.h(), c.w(), c.c(), c.outH(), c.outW(), mag);
      s.expectClose(
          "resizeBilinear " + c,
          ty,
          Tolerances.ACCUMULATED,
          s.readReference(mag, c.outputLength()),
          4);
    }
  }

  /** dx starts as NaN: it is overwritten, not added to. */
  public void backward(ResizeCase c) {
    float[] dy = Inputs.forCase(c).uniform(c.outputLength(), -1, 1);
    try (Session s = session()) {
      Twin tdy = s.upload(dy);
      Twin tdx = s.upload(Inputs.filled(c.inputLength(), Float.NaN));
      s.run(
          b ->
              b.resizeBilinearBackward(
                  tdy.on(b), c.n(), c.h(), c.w(), c.c(), c.outH(), c.outW(), tdx.on(b)));
      DeviceBuffer mag = s.referenceOnly(new float[c.inputLength()]);
      reference.resizeBilinearBackward(
          s.referenceOnly(Inputs.abs(dy)), c.n(), c.h(), c.w(), c.c(), c.outH(), c.outW(), mag);
      s.expectClose(
          "resizeBilinearBackward " + c,
          tdx,
          Tolerances.ACCUMULATED,
          s.readReference(mag, c.inputLength()),
          c.taps());
    }
  }
}
