package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;

/**
 * 2-D convolution forward, backward-data, backward-filter and backward-bias (each through the
 * backend and through the SPI defaults), the fused layer ops (convolution, bias and activation in
 * one call, forward and backward), plus im2col and col2im, against the reference's direct loops.
 */
public final class ConvolutionChecks extends Checks {

  /** One convolution geometry, named for the edge it covers, and the path it runs through. */
  public record ConvCase(String label, Conv2dSpec spec, OpPath path) {
    @Override
    public String toString() {
      Conv2dSpec s = spec;
      return label
          + ": n="
          + s.n()
          + " "
          + s.h()
          + "x"
          + s.w()
          + "x"
          + s.c()
          + " kernel "
          + s.kh()
          + "x"
          + s.kw()
          + "->"
          + s.filters()
          + " stride "
          + s.strideH()
          + "x"
          + s.strideW()
          + " pad "
          + s.padTop()
          + "/"
          + s.padLeft()
          + " dilation "
          + s.dilationH()
          + "x"
          + s.dilationW()
          + (s.groups() > 1 ? " groups " + s.groups() : "")
          + " ["
          + path
          + "]";
    }

    ConvCase on(OpPath other) {
      return new ConvCase(label, spec, other);
    }
  }

  /**
   * One fused convolution case: a geometry and path, the activation, whether there is a bias, and
   * (backward) whether the input gradient is asked for, as the first layer of a model does not.
   */
  public record FusedCase(ConvCase conv, ActivationKind kind, boolean bias, boolean dx) {
    /** Keras' {@code leaky_relu} activation slope; the other kinds take no alpha. */
    float alpha() {
      return kind == ActivationKind.LEAKY_RELU ? 0.2f : 0f;
    }

    @Override
    public String toString() {
      return kind + (bias ? ", bias" : ", no bias") + (dx ? "" : ", no dx") + ": " + conv;
    }
  }

  public ConvolutionChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  /** The geometries, each on the backend's path only. */
  public static List<ConvCase> geometries() {
    List<ConvCase> g = new ArrayList<>();
    g.add(of("1x1 kernel", Conv2dSpec.of(2, 5, 4, 3, 1, 1, 4, 1, 1, Padding.VALID, 1, 1, 1)));
    g.add(
        of(
            "stride larger than kernel",
            Conv2dSpec.of(2, 9, 8, 2, 2, 2, 3, 3, 3, Padding.VALID, 1, 1, 1)));
    g.add(of("odd sizes, same", Conv2dSpec.of(3, 7, 5, 3, 3, 3, 5, 1, 1, Padding.SAME, 1, 1, 1)));
    g.add(
        of(
            "same, stride 2, odd input",
            Conv2dSpec.of(2, 7, 9, 2, 3, 3, 4, 2, 2, Padding.SAME, 1, 1, 1)));
    g.add(
        of(
            "even kernel, same (asymmetric pad)",
            Conv2dSpec.of(2, 6, 6, 2, 4, 4, 3, 1, 1, Padding.SAME, 1, 1, 1)));
    g.add(
        of("dilation 2, valid", Conv2dSpec.of(2, 9, 9, 2, 3, 3, 3, 1, 1, Padding.VALID, 2, 2, 1)));
    g.add(of("dilation 2, same", Conv2dSpec.of(2, 8, 7, 2, 3, 3, 3, 1, 1, Padding.SAME, 2, 2, 1)));
    g.add(of("n=1, c=1", Conv2dSpec.of(1, 6, 6, 1, 3, 3, 2, 1, 1, Padding.VALID, 1, 1, 1)));
    g.add(of("groups 2", Conv2dSpec.of(2, 6, 5, 4, 3, 3, 6, 1, 1, Padding.SAME, 1, 1, 2)));
    // ConvNeXt's 7x7 depthwise convolution on its last stage's 1x1 or 2x2 maps: taps fall outside
    // the image on every side.
    g.add(
        of(
            "depthwise 7x7 same on a 2x2 image",
            Conv2dSpec.of(2, 2, 2, 3, 7, 7, 3, 1, 1, Padding.SAME, 1, 1, 3)));
    g.add(
        of(
            "depthwise 7x7 same on a 1x1 image",
            Conv2dSpec.of(3, 1, 1, 2, 7, 7, 2, 1, 1, Padding.SAME, 1, 1, 2)));
    // Depthwise (Keras' DepthwiseConv2D: one group per channel, depth_multiplier filters each).
    // 20 channels are more than one of oneDNN's 16-channel blocks, so a tail block is covered.
    g.add(of("depthwise", Conv2dSpec.of(2, 6, 5, 20, 3, 3, 20, 1, 1, Padding.SAME, 1, 1, 20)));
    g.add(
        of(
            "depthwise, multiplier 2, stride 2",
            Conv2dSpec.of(2, 7, 8, 3, 3, 3, 6, 2, 2, Padding.SAME, 1, 1, 3)));
    g.add(
        of(
            "rectangular kernel and stride",
            Conv2dSpec.of(2, 6, 7, 3, 2, 3, 2, 1, 2, Padding.VALID, 1, 1, 1)));
    // ResNet50's strided 'valid' convolutions leave the input's last row and column outside every
    // window: its 1x1 stride-2 shortcuts over even maps and its 7x7 stride-2 stem.
    g.add(
        of(
            "1x1 stride 2, last row unread",
            Conv2dSpec.of(2, 6, 6, 5, 1, 1, 4, 2, 2, Padding.VALID, 1, 1, 1)));
    g.add(
        of(
            "7x7 stride 2, last row unread",
            Conv2dSpec.of(2, 12, 13, 3, 7, 7, 4, 2, 2, Padding.VALID, 1, 1, 1)));
    // A ZeroPadding2D run as the convolution's own padding (PaddingFold): ResNet's 7x7 stem after
    // three rows and columns of zeros (2 or 3 on the far side reach a window), MobileNetV2's
    // strided
    // depthwise layer after one row and column of zeros on the far side only.
    g.add(
        of(
            "7x7 stride 2, padding 3 before and 2 or 3 after",
            new Conv2dSpec(2, 12, 11, 3, 7, 7, 4, 2, 2, 3, 3, 1, 1, 1, 6, 6)));
    g.add(
        of(
            "depthwise stride 2, padding 0 before and 1 after",
            new Conv2dSpec(2, 8, 10, 5, 3, 3, 5, 2, 2, 0, 0, 1, 1, 5, 4, 5)));
    g.add(
        of(
            "LeNet first layer",
            Conv2dSpec.of(4, 12, 12, 1, 5, 5, 6, 1, 1, Padding.VALID, 1, 1, 1)));
    return g;
  }

  /** Every geometry on both paths. */
  public static List<ConvCase> cases() {
    List<ConvCase> all = new ArrayList<>();
    for (OpPath path : OpPath.values()) {
      for (ConvCase c : geometries()) all.add(c.on(path));
    }
    return all;
  }

  /** The geometries the fused ops run on: each of the backends' convolution paths. */
  private static List<ConvCase> fusedGeometries() {
    return geometries().stream()
        .filter(
            c ->
                List.of(
                        "1x1 kernel",
                        "odd sizes, same",
                        "same, stride 2, odd input",
                        "dilation 2, valid",
                        "groups 2",
                        "depthwise",
                        "depthwise, multiplier 2, stride 2",
                        "n=1, c=1",
                        "1x1 stride 2, last row unread",
                        "7x7 stride 2, padding 3 before and 2 or 3 after",
                        "depthwise stride 2, padding 0 before and 1 after")
                    .contains(c.label()))
        .toList();
  }

  /**
   * The first five activations (linear, ReLU, sigmoid, tanh, leaky ReLU) with and without bias on
   * the fused geometries, on both paths; {@link EpilogueChecks} covers the kinds Keras 3 added.
   */
  public static List<FusedCase> fusedForwardCases() {
    List<FusedCase> all = new ArrayList<>();
    for (OpPath path : OpPath.values()) {
      for (ConvCase c : fusedGeometries()) {
        for (ActivationKind kind : ActivationKind.values()) {
          if (kind.ordinal() > ActivationKind.LEAKY_RELU.ordinal()) continue;
          for (boolean bias : new boolean[] {true, false}) {
            all.add(new FusedCase(c.on(path), kind, bias, true));
          }
        }
      }
    }
    return all;
  }

  /** As {@link #fusedForwardCases()}, each with and without the input gradient. */
  public static List<FusedCase> fusedBackwardCases() {
    List<FusedCase> all = new ArrayList<>();
    for (FusedCase f : fusedForwardCases()) {
      all.add(f);
      all.add(new FusedCase(f.conv(), f.kind(), f.bias(), false));
    }
    return all;
  }

  private static ConvCase of(String label, Conv2dSpec spec) {
    return new ConvCase(label, spec, OpPath.BACKEND);
  }

  /** The four convolution ops, for running every one of a case. */
  public enum ConvOp {
    FORWARD,
    BACKWARD_DATA,
    BACKWARD_FILTER,
    BACKWARD_BIAS
  }

  public void check(ConvOp op, ConvCase c) {
    switch (op) {
      case FORWARD -> forward(c);
      case BACKWARD_DATA -> backwardData(c);
      case BACKWARD_FILTER -> backwardFilter(c);
      case BACKWARD_BIAS -> backwardBias(c);
    }
  }

  /** y = conv(x, kernel); y starts as NaN since it is overwritten. */
  public void forward(ConvCase c) {
    Conv2dSpec s = c.spec();
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform((int) s.inputLength(), -1, 1);
    float[] k = in.uniform((int) s.kernelLength(), -1, 1);
    try (Session ss = session(c.path())) {
      Twin tx = ss.upload(x);
      Twin tk = ss.upload(k);
      Twin ty = ss.upload(Inputs.filled((int) s.outputLength(), Float.NaN));
      ss.run(b -> b.conv2dForward(s, tx.on(b), tk.on(b), ty.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.conv2dForward(
          s, ss.referenceOnly(Inputs.abs(x)), ss.referenceOnly(Inputs.abs(k)), mag);
      ss.expectClose(
          "conv2dForward " + c,
          ty,
          Tolerances.ACCUMULATED,
          ss.readReference(mag, (int) s.outputLength()),
          (long) s.kh() * s.kw() * s.c() / s.groups());
    }
  }

  /** dx = d conv / d x; dx starts as NaN since it is overwritten. */
  public void backwardData(ConvCase c) {
    Conv2dSpec s = c.spec();
    Inputs in = Inputs.forCase(c);
    float[] dy = in.uniform((int) s.outputLength(), -1, 1);
    float[] k = in.uniform((int) s.kernelLength(), -1, 1);
    try (Session ss = session(c.path())) {
      Twin tdy = ss.upload(dy);
      Twin tk = ss.upload(k);
      Twin tdx = ss.upload(Inputs.filled((int) s.inputLength(), Float.NaN));
      ss.run(b -> b.conv2dBackwardData(s, tdy.on(b), tk.on(b), tdx.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[(int) s.inputLength()]);
      reference.conv2dBackwardData(
          s, ss.referenceOnly(Inputs.abs(dy)), ss.referenceOnly(Inputs.abs(k)), mag);
      ss.expectClose(
          "conv2dBackwardData " + c,
          tdx,
          Tolerances.ACCUMULATED,
          ss.readReference(mag, (int) s.inputLength()),
          (long) s.kh() * s.kw() * s.filters() / s.groups());
    }
  }

  /** dKernel = d conv / d kernel; starts as NaN since it is overwritten. */
  public void backwardFilter(ConvCase c) {
    Conv2dSpec s = c.spec();
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform((int) s.inputLength(), -1, 1);
    float[] dy = in.uniform((int) s.outputLength(), -1, 1);
    try (Session ss = session(c.path())) {
      Twin tx = ss.upload(x);
      Twin tdy = ss.upload(dy);
      Twin tdk = ss.upload(Inputs.filled((int) s.kernelLength(), Float.NaN));
      ss.run(b -> b.conv2dBackwardFilter(s, tx.on(b), tdy.on(b), tdk.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[(int) s.kernelLength()]);
      reference.conv2dBackwardFilter(
          s, ss.referenceOnly(Inputs.abs(x)), ss.referenceOnly(Inputs.abs(dy)), mag);
      ss.expectClose(
          "conv2dBackwardFilter " + c,
          tdk,
          Tolerances.ACCUMULATED,
          ss.readReference(mag, (int) s.kernelLength()),
          (long) s.n() * s.outH() * s.outW());
    }
  }

  /** dBias[f] = sum of dy over n, y, x. */
  public void backwardBias(ConvCase c) {
    Conv2dSpec s = c.spec();
    float[] dy = Inputs.forCase(c).uniform((int) s.outputLength(), -1, 1);
    try (Session ss = session(c.path())) {
      Twin tdy = ss.upload(dy);
      Twin tdb = ss.upload(Inputs.filled(s.filters(), Float.NaN));
      ss.run(b -> b.conv2dBackwardBias(s, tdy.on(b), tdb.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[s.filters()]);
      reference.conv2dBackwardBias(s, ss.referenceOnly(Inputs.abs(dy)), mag);
      ss.expectClose(
          "conv2dBackwardBias " + c,
          tdb,
          Tolerances.ACCUMULATED,
          ss.readReference(mag, s.filters()),
          (long) s.n() * s.outH() * s.outW());
    }
  }

  /** y = f(conv(x, kernel) + bias) in one call; y starts as NaN since it is overwritten. */
  public void forwardFused(FusedCase c) {
    Conv2dSpec s = c.conv().spec();
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform((int) s.inputLength(), -1, 1);
    float[] k = in.uniform((int) s.kernelLength(), -1, 1);
    float[] bias = in.uniform(s.filters(), -0.5, 0.5);
    int rows = s.n() * s.outH() * s.outW();
    try (Session ss = session(c.conv().path())) {
      Twin tx = ss.upload(x);
      Twin tk = ss.upload(k);
      Twin tb = c.bias() ? ss.upload(bias) : null;
      Twin ty = ss.upload(Inputs.filled((int) s.outputLength(), Float.NaN));
      ss.run(
          b ->
              b.conv2dForwardFused(
                  s,
                  tx.on(b),
                  tk.on(b),
                  tb == null ? null : tb.on(b),
                  c.kind(),
                  c.alpha(),
                  ty.on(b)));
      DeviceBuffer mag = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.conv2dForward(
          s, ss.referenceOnly(Inputs.abs(x)), ss.referenceOnly(Inputs.abs(k)), mag);
      if (c.bias()) reference.biasAdd(mag, ss.referenceOnly(Inputs.abs(bias)), rows, s.filters());
      ss.expectClose(
          "conv2dForwardFused " + c,
          ty,
          Tolerances.FUSED,
          ss.readReference(mag, (int) s.outputLength()),
          (long) s.kh() * s.kw() * s.c() / s.groups() + 1);
    }
  }

  /**
   * y = f(conv(x, kernel) + bias + y) in one call, y holding a shortcut; then again with a NaN in
   * the shortcut, which must reach the output whatever the activation (as the unfused addition and
   * activation would leave it: Keras keeps NaN).
   */
  public void forwardResidual(FusedCase c) {
    Conv2dSpec s = c.conv().spec();
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform((int) s.inputLength(), -1, 1);
    float[] k = in.uniform((int) s.kernelLength(), -1, 1);
    float[] bias = in.uniform(s.filters(), -0.5, 0.5);
    float[] shortcut = in.uniform((int) s.outputLength(), -1, 1);
    float[] withNaN = shortcut.clone();
    withNaN[withNaN.length / 2] = Float.NaN;
    int rows = s.n() * s.outH() * s.outW();
    for (float[] start : List.of(shortcut, withNaN)) {
      try (Session ss = session(c.conv().path())) {
        Twin tx = ss.upload(x);
        Twin tk = ss.upload(k);
        Twin tb = c.bias() ? ss.upload(bias) : null;
        Twin ty = ss.upload(start);
        ss.run(
            b ->
                b.conv2dForwardResidual(
                    s,
                    tx.on(b),
                    tk.on(b),
                    tb == null ? null : tb.on(b),
                    c.kind(),
                    c.alpha(),
                    ty.on(b)));
        DeviceBuffer mag = ss.referenceOnly(Inputs.abs(start));
        DeviceBuffer product = ss.referenceOnly(new float[(int) s.outputLength()]);
        reference.conv2dForward(
            s, ss.referenceOnly(Inputs.abs(x)), ss.referenceOnly(Inputs.abs(k)), product);
        reference.axpby(1f, product, 1f, mag, s.outputLength());
        if (c.bias()) {
          reference.biasAdd(mag, ss.referenceOnly(Inputs.abs(bias)), rows, s.filters());
        }
        ss.expectClose(
            "conv2dForwardResidual " + (start == withNaN ? "(a NaN in the shortcut) " : "") + c,
            ty,
            Tolerances.FUSED,
            ss.readReference(mag, (int) s.outputLength()),
            (long) s.kh() * s.kw() * s.c() / s.groups() + 2);
      }
    }
  }

  /**
   * The fused backward from the forward's output y (made by the reference, the same for both) and
   * dy: dKernel, dBias (when asked) and dx (when asked), each starting as NaN since they are
   * overwritten; dy must be left as it was.
   */
  public void backwardFused(FusedCase c) {
    Conv2dSpec s = c.conv().spec();
    Inputs in = Inputs.forCase(c);
    float[] x = in.uniform((int) s.inputLength(), -1, 1);
    float[] k = in.uniform((int) s.kernelLength(), -1, 1);
    float[] bias = in.uniform(s.filters(), -0.5, 0.5);
    float[] dy = in.uniform((int) s.outputLength(), -1, 1);
    int rows = s.n() * s.outH() * s.outW();
    try (Session ss = session(c.conv().path())) {
      DeviceBuffer forward = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.conv2dForwardFused(
          s,
          ss.referenceOnly(x),
          ss.referenceOnly(k),
          c.bias() ? ss.referenceOnly(bias) : null,
          c.kind(),
          c.alpha(),
          forward);
      Twin tx = ss.upload(x);
      Twin tk = ss.upload(k);
      Twin ty = ss.upload(ss.readReference(forward, (int) s.outputLength()));
      Twin tdy = ss.upload(dy);
      Twin tdx = c.dx() ? ss.upload(Inputs.filled((int) s.inputLength(), Float.NaN)) : null;
      Twin tdk = ss.upload(Inputs.filled((int) s.kernelLength(), Float.NaN));
      Twin tdb = c.bias() ? ss.upload(Inputs.filled(s.filters(), Float.NaN)) : null;
      ss.run(
          b ->
              b.conv2dBackwardFused(
                  s,
                  tx.on(b),
                  tk.on(b),
                  ty.on(b),
                  tdy.on(b),
                  c.kind(),
                  c.alpha(),
                  tdx == null ? null : tdx.on(b),
                  tdk.on(b),
                  tdb == null ? null : tdb.on(b)));
      ss.expectClose("conv2dBackwardFused leaves dy unchanged, " + c, tdy, Tolerances.EXACT);
      // Magnitudes from |dz|, dz = dy * f'(y) as the reference computes it.
      DeviceBuffer dz = ss.referenceOnly(new float[(int) s.outputLength()]);
      reference.activationBackwardBias(
          c.kind(), c.alpha(), ty.on(reference), tdy.on(reference), dz, rows, s.filters(), null);
      DeviceBuffer absDz =
          ss.referenceOnly(Inputs.abs(ss.readReference(dz, (int) s.outputLength())));
      DeviceBuffer magK = ss.referenceOnly(new float[(int) s.kernelLength()]);
      reference.conv2dBackwardFilter(s, ss.referenceOnly(Inputs.abs(x)), absDz, magK);
      ss.expectClose(
          "conv2dBackwardFused dKernel " + c,
          tdk,
          Tolerances.FUSED,
          ss.readReference(magK, (int) s.kernelLength()),
          rows);
      if (tdb != null) {
        DeviceBuffer magB = ss.referenceOnly(new float[s.filters()]);
        reference.conv2dBackwardBias(s, absDz, magB);
        ss.expectClose(
            "conv2dBackwardFused dBias " + c,
            tdb,
            Tolerances.FUSED,
            ss.readReference(magB, s.filters()),
            rows);
      }
      if (tdx != null) {
        DeviceBuffer magX = ss.referenceOnly(new float[(int) s.inputLength()]);
        reference.conv2dBackwardData(s, absDz, ss.referenceOnly(Inputs.abs(k)), magX);
        ss.expectClose(
            "conv2dBackwardFused dx " + c,
            tdx,
            Tolerances.FUSED,
            ss.readReference(magX, (int) s.inputLength()),
            (long) s.kh() * s.kw() * s.filters() / s.groups());
      }
    }
  }

  /** Floats after the columns im2col must leave as they are. */
  private static final int GUARD = 64;

  /**
   * im2col of every group, for all images and for a sub-range [1, n) when n > 1 (so {@code first}
   * matters). Exact: it only copies. The columns start as NaN, so every entry must be written; a
   * guard of NaN after them must stay NaN (a write past the columns corrupts the memory after).
   */
  public void im2col(ConvCase c) {
    Conv2dSpec s = c.spec();
    float[] x = Inputs.forCase(c).uniform((int) s.inputLength(), -1, 1);
    int width = s.kh() * s.kw() * s.c() / s.groups();
    try (Session ss = session()) {
      Twin tx = ss.upload(x);
      for (int[] range : imageRanges(s)) {
        for (int g = 0; g < s.groups(); g++) {
          int first = range[0];
          int count = range[1];
          int group = g;
          Twin cols =
              ss.upload(Inputs.filled(count * s.outH() * s.outW() * width + GUARD, Float.NaN));
          ss.run(b -> b.im2col(s, tx.on(b), first, count, group, cols.on(b)));
          ss.expectClose(
              "im2col images [" + first + ", " + (first + count) + ") group " + g + " of " + c,
              cols,
              Tolerances.EXACT);
        }
      }
    }
  }

  /** col2im adds into dx, which starts with values of its own. */
  public void col2im(ConvCase c) {
    Conv2dSpec s = c.spec();
    Inputs in = Inputs.forCase(c);
    int width = s.kh() * s.kw() * s.c() / s.groups();
    try (Session ss = session()) {
      for (int[] range : imageRanges(s)) {
        for (int g = 0; g < s.groups(); g++) {
          int first = range[0];
          int count = range[1];
          int group = g;
          float[] cols = in.uniform(count * s.outH() * s.outW() * width, -1, 1);
          float[] dx0 = in.uniform((int) s.inputLength(), -1, 1);
          Twin tc = ss.upload(cols);
          Twin tdx = ss.upload(dx0);
          ss.run(b -> b.col2im(s, tc.on(b), first, count, group, tdx.on(b)));
          DeviceBuffer mag = ss.referenceOnly(Inputs.abs(dx0));
          reference.col2im(s, ss.referenceOnly(Inputs.abs(cols)), first, count, group, mag);
          ss.expectClose(
              "col2im images [" + first + ", " + (first + count) + ") group " + g + " of " + c,
              tdx,
              Tolerances.ACCUMULATED,
              ss.readReference(mag, (int) s.inputLength()),
              (long) s.kh() * s.kw() + 1);
        }
      }
    }
  }

  private static List<int[]> imageRanges(Conv2dSpec s) {
    return s.n() > 1
        ? List.of(new int[] {0, s.n()}, new int[] {1, s.n() - 1})
        : List.of(new int[] {0, 1});
  }
}
