// Max and average pooling, NHWC. The geometry arrives as one int16 whose first twelve
// components are org.cnn4j.spi.Pool2dSpec's, in declaration order. Padded positions never win a
// max and are not counted in an average.
//
// Forward indexing: one work item per output element, idx = ((img * outH + oy) * outW + ox) * c
// + ch. Backward indexing: one work item per input element, idx = ((img * h + iy) * w + ix) * c
// + ch, gathering from every output window that covers it; this writes each dx element exactly
// once, with no atomics and a fixed summation order. Index arithmetic is 32-bit (the host checks
// sizes): 64-bit division is several times slower on CPUs.

#define P_H g.s1
#define P_W g.s2
#define P_C g.s3
#define P_POOL_H g.s4
#define P_POOL_W g.s5
#define P_STRIDE_H g.s6
#define P_STRIDE_W g.s7
#define P_PAD_TOP g.s8
#define P_PAD_LEFT g.s9
#define P_OUT_H g.sa
#define P_OUT_W g.sb

// Position (row-major y * w + x) of the first maximum of the window of output (oy, ox), or -1.
inline int window_argmax(int16 g, __global const float* xImg, int oy, int ox, int ch) {
  const int y0 = oy * P_STRIDE_H - P_PAD_TOP, x0 = ox * P_STRIDE_W - P_PAD_LEFT;
  int arg = -1;
  float best = 0.0f;
  for (int py = 0; py < P_POOL_H; py++) {
    const int iy = y0 + py;
    if (iy < 0 || iy >= P_H) continue;
    for (int px = 0; px < P_POOL_W; px++) {
      const int ix = x0 + px;
      if (ix < 0 || ix >= P_W) continue;
      const float v = xImg[(iy * P_W + ix) * P_C + ch];
      if (arg < 0 || v > best) { best = v; arg = iy * P_W + ix; }
    }
  }
  return arg;
}

// Number of non-padded positions in the window of output (oy, ox).
inline int window_count(int16 g, int oy, int ox) {
  const int y0 = oy * P_STRIDE_H - P_PAD_TOP, x0 = ox * P_STRIDE_W - P_PAD_LEFT;
  const int ys = min(y0 + P_POOL_H, P_H) - max(y0, 0);
  const int xs = min(x0 + P_POOL_W, P_W) - max(x0, 0);
  return max(ys, 0) * max(xs, 0);
}

__kernel void max_pool_forward(int16 g, __global const float* x, __global float* y, int total) {
  const int idx = get_global_id(0);
  if (idx >= total) return;
  int rest = idx / P_C;
  const int ch = idx - rest * P_C;
  const int ox = rest % P_OUT_W;
  rest /= P_OUT_W;
  const int oy = rest % P_OUT_H;
  const int img = rest / P_OUT_H;
  __global const float* xImg = x + img * P_H * P_W * P_C;
  const int arg = window_argmax(g, xImg, oy, ox, ch);
  y[idx] = arg < 0 ? 0.0f : xImg[arg * P_C + ch];
}

// The range of outputs along one axis whose windows cover input position i.
#define COVERING(i, pad, pool, stride, outLen, lo, hi) \
  const int lo = max(0, ((i) + (pad) - (pool) + (stride)) / (stride)); \
  const int hi = min((outLen) - 1, ((i) + (pad)) / (stride));

__kernel void max_pool_backward(int16 g, __global const float* x, __global const float* dy,
                                __global float* dx, int total) {
  const int idx = get_global_id(0);
  if (idx >= total) return;
  int rest = idx / P_C;
  const int ch = idx - rest * P_C;
  const int ix = rest % P_W;
  rest /= P_W;
  const int iy = rest % P_H;
  const int img = rest / P_H;
  __global const float* xImg = x + img * P_H * P_W * P_C;
  __global const float* dyImg = dy + img * P_OUT_H * P_OUT_W * P_C;
  COVERING(iy, P_PAD_TOP, P_POOL_H, P_STRIDE_H, P_OUT_H, oyLo, oyHi)
  COVERING(ix, P_PAD_LEFT, P_POOL_W, P_STRIDE_W, P_OUT_W, oxLo, oxHi)
  const int self = iy * P_W + ix;
  float sum = 0.0f;
  for (int oy = oyLo; oy <= oyHi; oy++) {
    for (int ox = oxLo; ox <= oxHi; ox++) {
      if (window_argmax(g, xImg, oy, ox, ch) == self) {
        sum += dyImg[(oy * P_OUT_W + ox) * P_C + ch];
      }
    }
  }
  dx[idx] = sum;
}

__kernel void avg_pool_forward(int16 g, __global const float* x, __global float* y, int total) {
  const int idx = get_global_id(0);
  if (idx >= total) return;
  int rest = idx / P_C;
  const int ch = idx - rest * P_C;
  const int ox = rest % P_OUT_W;
  rest /= P_OUT_W;
  const int oy = rest % P_OUT_H;
  const int img = rest / P_OUT_H;
  __global const float* xImg = x + img * P_H * P_W * P_C;
  const int y0 = oy * P_STRIDE_H - P_PAD_TOP, x0 = ox * P_STRIDE_W - P_PAD_LEFT;
  float sum = 0.0f;
  for (int iy = max(y0, 0); iy < min(y0 + P_POOL_H, P_H); iy++) {
    for (int ix = max(x0, 0); ix < min(x0 + P_POOL_W, P_W); ix++) {
      sum += xImg[(iy * P_W + ix) * P_C + ch];
    }
  }
  const int cnt = window_count(g, oy, ox);
  y[idx] = cnt > 0 ? sum / cnt : 0.0f;
}

__kernel void avg_pool_backward(int16 g, __global const float* dy, __global float* dx,
                                int total) {
  const int idx = get_global_id(0);
  if (idx >= total) return;
  int rest = idx / P_C;
  const int ch = idx - rest * P_C;
  const int ix = rest % P_W;
  rest /= P_W;
  const int iy = rest % P_H;
  const int img = rest / P_H;
  __global const float* dyImg = dy + img * P_OUT_H * P_OUT_W * P_C;
  COVERING(iy, P_PAD_TOP, P_POOL_H, P_STRIDE_H, P_OUT_H, oyLo, oyHi)
  COVERING(ix, P_PAD_LEFT, P_POOL_W, P_STRIDE_W, P_OUT_W, oxLo, oxHi)
  float sum = 0.0f;
  for (int oy = oyLo; oy <= oyHi; oy++) {
    for (int ox = oxLo; ox <= oxHi; ox++) {
      sum += dyImg[(oy * P_OUT_W + ox) * P_C + ch] / window_count(g, oy, ox);
    }
  }
  dx[idx] = sum;
}
