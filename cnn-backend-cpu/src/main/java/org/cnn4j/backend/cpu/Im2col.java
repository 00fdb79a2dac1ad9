package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;

import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;

/**
 * Unfolding images into GEMM columns (im2col) and adding columns back into images (col2im), NHWC
 * with HWIO column order ({@link org.cnn4j.spi.Backend#im2col}): the convolutions' path where
 * oneDNN does not take the geometry.
 */
final class Im2col {
  private final Parallel parallel;

  Im2col(Parallel parallel) {
    this.parallel = parallel;
  }

  void im2col(Conv2dSpec s, DeviceBuffer x, int first, int count, int group, DeviceBuffer cols) {
    Ranges.check("im2col", x, 0, s.inputLength());
    Ranges.check(
        "im2col",
        cols,
        0,
        (long) count * s.outH() * s.outW() * s.kh() * s.kw() * (s.c() / s.groups()));
    parallel.forRange(
        count,
        (long) count * s.outH() * s.outW() * s.kh() * s.kw() * s.c(),
        (lo, hi) ->
            unfold(
                s,
                x,
                first + lo,
                hi - lo,
                group,
                cols,
                (long) lo * s.outH() * s.outW() * s.kh() * s.kw() * (s.c() / s.groups())));
  }

  /**
   * im2col of images [first, first + count) into cols at offset, on the calling thread. Loops run
   * tap by tap with the output column innermost, over the range of columns whose tap lies inside
   * the image, so the inner loop has no bounds tests (with one channel it copies single floats).
   */
  static void unfold(
      Conv2dSpec s,
      DeviceBuffer x,
      int first,
      int count,
      int group,
      DeviceBuffer cols,
      long offset) {
    Floats in = floats(x);
    Floats out = floats(cols);
    int cg = s.c() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int outW = s.outW();
    for (int r = 0; r < count * s.outH(); r++) {
      int img = first + r / s.outH();
      int oy = r % s.outH();
      int rowBase = (int) offset + r * outW * k;
      for (int ky = 0; ky < s.kh(); ky++) {
        int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
        for (int kx = 0; kx < s.kw(); kx++) {
          int tap = (ky * s.kw() + kx) * cg;
          int shift = kx * s.dilationW() - s.padLeft();
          // A kernel wider than the padded image can have no tap inside: lo past the last column.
          int lo = iy < 0 || iy >= s.h() ? outW : Math.min(outW, firstInside(shift, s.strideW()));
          int hi =
              iy < 0 || iy >= s.h()
                  ? outW
                  : Math.min(outW, lastInside(shift, s.strideW(), s.w()) + 1);
          if (hi < lo) hi = lo;
          for (int ox = 0; ox < lo; ox++) zero(out, rowBase + ox * k + tap, cg);
          for (int ox = Math.max(hi, lo); ox < outW; ox++) zero(out, rowBase + ox * k + tap, cg);
          if (lo >= hi) continue;
          int src = ((img * s.h() + iy) * s.w() + lo * s.strideW() + shift) * s.c() + group * cg;
          int srcStep = s.strideW() * s.c();
          int dst = rowBase + lo * k + tap;
          if (cg == 1) {
            for (int ox = lo; ox < hi; ox++, src += srcStep, dst += k) out.put(dst, in.get(src));
          } else if (cg < 16) {
            // A bulk copy costs more than it saves below a few dozen bytes.
            for (int ox = lo; ox < hi; ox++, src += srcStep, dst += k) {
              for (int ci = 0; ci < cg; ci++) out.put(dst + ci, in.get(src + ci));
            }
          } else {
            for (int ox = lo; ox < hi; ox++, src += srcStep, dst += k) out.put(dst, in, src, cg);
          }
        }
      }
    }
  }

  /** The first output column whose tap, at {@code ox * stride + shift}, is >= 0. */
  private static int firstInside(int shift, int stride) {
    return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  }

  /** The last output column whose tap is < width (may be negative: none). */
  private static int lastInside(int shift, int stride, int width) {
    int room = width - 1 - shift;
    return room < 0 ? -1 : room / stride;
  }

  private static void zero(Floats out, int at, int len) {
    for (int i = 0; i < len; i++) out.put(at + i, 0f);
  }

  void col2im(Conv2dSpec s, DeviceBuffer cols, int first, int count, int group, DeviceBuffer dx) {
    Ranges.check("col2im", dx, 0, s.inputLength());
    Ranges.check(
        "col2im",
        cols,
        0,
        (long) count * s.outH() * s.outW() * s.kh() * s.kw() * (s.c() / s.groups()));
    // One image per task: images own disjoint parts of dx, so the adds never race.
    parallel.forRange(
        count,
        (long) count * s.outH() * s.outW() * s.kh() * s.kw() * s.c(),
        (lo, hi) ->
            fold(
                s,
                cols,
                (long) lo * s.outH() * s.outW() * s.kh() * s.kw() * (s.c() / s.groups()),
                first + lo,
                hi - lo,
                group,
                dx));
  }

  /**
   * col2im of cols at offset into images [first, first + count) of dx (adding), on the calling
   * thread.
   */
  static void fold(
      Conv2dSpec s,
      DeviceBuffer cols,
      long offset,
      int first,
      int count,
      int group,
      DeviceBuffer dx) {
    Floats in = floats(cols);
    Floats out = floats(dx);
    int cg = s.c() / s.groups();
    int k = s.kh() * s.kw() * cg;
    int outW = s.outW();
    for (int r = 0; r < count * s.outH(); r++) {
      int img = first + r / s.outH();
      int oy = r % s.outH();
      int rowBase = (int) offset + r * outW * k;
      for (int ky = 0; ky < s.kh(); ky++) {
        int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
        if (iy < 0 || iy >= s.h()) continue;
        for (int kx = 0; kx < s.kw(); kx++) {
          int tap = (ky * s.kw() + kx) * cg;
          int shift = kx * s.dilationW() - s.padLeft();
          int lo = firstInside(shift, s.strideW());
          int hi = Math.min(outW, lastInside(shift, s.strideW(), s.w()) + 1);
          int dst = ((img * s.h() + iy) * s.w() + lo * s.strideW() + shift) * s.c() + group * cg;
          int dstStep = s.strideW() * s.c();
          int src = rowBase + lo * k + tap;
          if (cg == 1) {
            for (int ox = lo; ox < hi; ox++, src += k, dst += dstStep)
              out.put(dst, out.get(dst) + in.get(src));
          } else {
            for (int ox = lo; ox < hi; ox++, src += k, dst += dstStep) {
              for (int ci = 0; ci < cg; ci++)
                out.put(dst + ci, out.get(dst + ci) + in.get(src + ci));
            }
          }
        }
      }
    }
  }
}
