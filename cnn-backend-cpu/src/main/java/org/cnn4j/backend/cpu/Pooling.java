package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;
import static org.cnn4j.backend.cpu.CpuBuffer.own;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.Ranges;

/**
 * Max and average pooling, forward and backward: max pooling through oneDNN where it takes the
 * geometry, the common 2x2/stride-2 case by a loop that reads each input once, the rest by window
 * loops split across threads.
 */
final class Pooling {
  private final Parallel parallel;

  /** oneDNN's primitives, or null when it is not used. */
  private final DnnlPooling dnnl;

  Pooling(Parallel parallel, DnnlPooling dnnl) {
    this.parallel = parallel;
    this.dnnl = dnnl;
  }

  void maxPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    Ranges.check("maxPool2dForward", x, 0, s.inputLength());
    Ranges.check("maxPool2dForward", y, 0, s.outputLength());
    if (dnnl != null && DnnlPooling.supports(s)) {
      dnnl.maxPoolForward(s, own(x), own(y));
      return;
    }
    if (isTiled2x2(s)) {
      maxPool2x2Forward(s, floats(x), floats(y));
      return;
    }
    Floats in = floats(x);
    Floats out = floats(y);
    int c = s.c();
    int rows = s.n() * s.outH();
    // Window positions outside, channels inside: each step reads a contiguous run of c floats.
    parallel.forRange(
        rows,
        (long) rows * s.outW() * c * s.poolH() * s.poolW(),
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int img = r / s.outH();
            int oy = r % s.outH();
            int y0 = Math.max(0, oy * s.strideH() - s.padTop());
            int y1 = Math.min(s.h(), oy * s.strideH() - s.padTop() + s.poolH());
            for (int ox = 0; ox < s.outW(); ox++) {
              int x0 = Math.max(0, ox * s.strideW() - s.padLeft());
              int x1 = Math.min(s.w(), ox * s.strideW() - s.padLeft() + s.poolW());
              int dst = (r * s.outW() + ox) * c;
              out.put(dst, in, ((img * s.h() + y0) * s.w() + x0) * c, c);
              for (int iy = y0; iy < y1; iy++) {
                for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                  int src = ((img * s.h() + iy) * s.w() + ix) * c;
                  for (int ch = 0; ch < c; ch++) {
                    float v = in.get(src + ch);
                    if (v > out.get(dst + ch)) out.put(dst + ch, v);
                  }
                }
              }
            }
          }
        });
  }

  void maxPool2dBackward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx) {
    Ranges.check("maxPool2dBackward", x, 0, s.inputLength());
    Ranges.check("maxPool2dBackward", dx, 0, s.inputLength());
    Ranges.check("maxPool2dBackward", dy, 0, s.outputLength());
    if (dnnl != null && DnnlPooling.supports(s)) {
      dnnl.maxPoolBackward(s, own(x), own(dy), own(dx));
      return;
    }
    if (isTiled2x2(s)) {
      maxPool2x2Backward(s, floats(x), floats(dy), floats(dx));
      return;
    }
    Floats in = floats(x);
    Floats g = floats(dy);
    Floats out = floats(dx);
    int c = s.c();
    floats(dx).zero(0, s.inputLength());
    // One image per task (overlapping windows add into shared dx cells of that image only).
    // Scanning positions in row-major order with a strict '>' keeps the first maximum: the ties
    // rule.
    parallel.forRange(
        s.n(),
        s.outputLength() * s.poolH() * s.poolW(),
        (lo, hi) -> {
          float[] best = new float[c];
          int[] where = new int[c];
          for (int img = lo; img < hi; img++) {
            for (int oy = 0; oy < s.outH(); oy++) {
              int y0 = Math.max(0, oy * s.strideH() - s.padTop());
              int y1 = Math.min(s.h(), oy * s.strideH() - s.padTop() + s.poolH());
              for (int ox = 0; ox < s.outW(); ox++) {
                int x0 = Math.max(0, ox * s.strideW() - s.padLeft());
                int x1 = Math.min(s.w(), ox * s.strideW() - s.padLeft() + s.poolW());
                int first = ((img * s.h() + y0) * s.w() + x0) * c;
                for (int ch = 0; ch < c; ch++) {
                  best[ch] = in.get(first + ch);
                  where[ch] = first + ch;
                }
                for (int iy = y0; iy < y1; iy++) {
                  for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                    int src = ((img * s.h() + iy) * s.w() + ix) * c;
                    for (int ch = 0; ch < c; ch++) {
                      float v = in.get(src + ch);
                      if (v > best[ch]) {
                        best[ch] = v;
                        where[ch] = src + ch;
                      }
                    }
                  }
                }
                int o = ((img * s.outH() + oy) * s.outW() + ox) * c;
                for (int ch = 0; ch < c; ch++)
                  out.put(where[ch], out.get(where[ch]) + g.get(o + ch));
              }
            }
          }
        });
  }

  /**
   * The common pooling, 2x2 windows with stride 2 that all lie inside the input (no padding at
   * either end): each input is read once.
   */
  private static boolean isTiled2x2(Pool2dSpec s) {
    return s.poolH() == 2
        && s.poolW() == 2
        && s.strideH() == 2
        && s.strideW() == 2
        && s.padTop() == 0
        && s.padLeft() == 0
        && 2 * s.outH() <= s.h()
        && 2 * s.outW() <= s.w();
  }

  private void maxPool2x2Forward(Pool2dSpec s, Floats in, Floats out) {
    int c = s.c();
    int rowLength = s.w() * c;
    int rows = s.n() * s.outH();
    parallel.forRange(
        rows,
        (long) rows * s.outW() * c * 4,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int img = r / s.outH();
            int top = ((img * s.h() + 2 * (r % s.outH())) * s.w()) * c;
            int dst = r * s.outW() * c;
            for (int ox = 0; ox < s.outW(); ox++) {
              int a = top + 2 * ox * c;
              int b = a + rowLength;
              for (int ch = 0; ch < c; ch++) {
                float v0 = in.get(a + ch);
                float v1 = in.get(a + c + ch);
                float v2 = in.get(b + ch);
                float v3 = in.get(b + c + ch);
                float m01 = v1 > v0 ? v1 : v0;
                float m23 = v3 > v2 ? v3 : v2;
                out.put(dst + ox * c + ch, m23 > m01 ? m23 : m01);
              }
            }
          }
        });
  }

  /**
   * Writes every cell of each window (the gradient at the first maximum, zero elsewhere), so only
   * the rows and columns no window covers (odd sizes) need clearing.
   */
  private void maxPool2x2Backward(Pool2dSpec s, Floats in, Floats g, Floats out) {
    int c = s.c();
    int rowLength = s.w() * c;
    int rows = s.n() * s.outH();
    clearUncovered(s, out);
    parallel.forRange(
        rows,
        (long) rows * s.outW() * c * 4,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int img = r / s.outH();
            int top = ((img * s.h() + 2 * (r % s.outH())) * s.w()) * c;
            int o = r * s.outW() * c;
            for (int ox = 0; ox < s.outW(); ox++) {
              int a = top + 2 * ox * c;
              int b = a + rowLength;
              for (int ch = 0; ch < c; ch++) {
                float v0 = in.get(a + ch);
                float v1 = in.get(a + c + ch);
                float v2 = in.get(b + ch);
                float v3 = in.get(b + c + ch);
                // Row-major order with strict '>' keeps the first maximum (the ties rule).
                int arg = 0;
                float best = v0;
                if (v1 > best) {
                  best = v1;
                  arg = 1;
                }
                if (v2 > best) {
                  best = v2;
                  arg = 2;
                }
                if (v3 > best) {
                  arg = 3;
                }
                float d = g.get(o + ox * c + ch);
                out.put(a + ch, arg == 0 ? d : 0f);
                out.put(a + c + ch, arg == 1 ? d : 0f);
                out.put(b + ch, arg == 2 ? d : 0f);
                out.put(b + c + ch, arg == 3 ? d : 0f);
              }
            }
          }
        });
  }

  /**
   * Zeroes the last row and column of each image where an odd size leaves them outside every
   * window.
   */
  private void clearUncovered(Pool2dSpec s, Floats out) {
    int c = s.c();
    boolean row = s.h() > 2 * s.outH();
    boolean col = s.w() > 2 * s.outW();
    if (!row && !col) return;
    parallel.forRange(
        s.n(),
        (long) s.n() * (s.h() + s.w()) * c,
        (lo, hi) -> {
          for (int img = lo; img < hi; img++) {
            long imageStart = (long) img * s.h() * s.w() * c;
            if (row) out.zero(imageStart + (long) (s.h() - 1) * s.w() * c, (long) s.w() * c);
            if (col) {
              for (int y = 0; y < s.h(); y++)
                out.zero(imageStart + ((long) y * s.w() + s.w() - 1) * c, c);
            }
          }
        });
  }

  void avgPool2dForward(Pool2dSpec s, DeviceBuffer x, DeviceBuffer y) {
    Ranges.check("avgPool2dForward", x, 0, s.inputLength());
    Ranges.check("avgPool2dForward", y, 0, s.outputLength());

    Floats in = floats(x);
    Floats out = floats(y);
    int rows = s.n() * s.outH();
    parallel.forRange(
        rows,
        (long) rows * s.outW() * s.c() * s.poolH() * s.poolW(),
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int img = r / s.outH();
            int oy = r % s.outH();
            for (int ox = 0; ox < s.outW(); ox++) {
              int dst = ((img * s.outH() + oy) * s.outW() + ox) * s.c();
              for (int ch = 0; ch < s.c(); ch++) out.put(dst + ch, 0f);
              int counted = 0;
              for (int py = 0; py < s.poolH(); py++) {
                int iy = oy * s.strideH() - s.padTop() + py;
                if (iy < 0 || iy >= s.h()) continue;
                for (int px = 0; px < s.poolW(); px++) {
                  int ix = ox * s.strideW() - s.padLeft() + px;
                  if (ix < 0 || ix >= s.w()) continue;
                  counted++;
                  int src = ((img * s.h() + iy) * s.w() + ix) * s.c();
                  for (int ch = 0; ch < s.c(); ch++)
                    out.put(dst + ch, out.get(dst + ch) + in.get(src + ch));
                }
              }
              float inv = 1f / counted;
              for (int ch = 0; ch < s.c(); ch++) out.put(dst + ch, out.get(dst + ch) * inv);
            }
          }
        });
  }

  void avgPool2dBackward(Pool2dSpec s, DeviceBuffer dy, DeviceBuffer dx) {
    Ranges.check("avgPool2dBackward", dx, 0, s.inputLength());
    Ranges.check("avgPool2dBackward", dy, 0, s.outputLength());

    Floats g = floats(dy);
    Floats out = floats(dx);
    floats(dx).zero(0, s.inputLength());
    parallel.forRange(
        s.n(),
        s.outputLength() * s.poolH() * s.poolW(),
        (lo, hi) -> {
          for (int img = lo; img < hi; img++) {
            for (int oy = 0; oy < s.outH(); oy++) {
              int y0 = Math.max(0, oy * s.strideH() - s.padTop());
              int y1 = Math.min(s.h(), oy * s.strideH() - s.padTop() + s.poolH());
              for (int ox = 0; ox < s.outW(); ox++) {
                int x0 = Math.max(0, ox * s.strideW() - s.padLeft());
                int x1 = Math.min(s.w(), ox * s.strideW() - s.padLeft() + s.poolW());
                float inv = 1f / ((y1 - y0) * (x1 - x0));
                int o = ((img * s.outH() + oy) * s.outW() + ox) * s.c();
                for (int iy = y0; iy < y1; iy++) {
                  for (int ix = x0; ix < x1; ix++) {
                    int i = ((img * s.h() + iy) * s.w() + ix) * s.c();
                    for (int ch = 0; ch < s.c(); ch++)
                      out.put(i + ch, out.get(i + ch) + g.get(o + ch) * inv);
                  }
                }
              }
            }
          }
        });
  }
}
