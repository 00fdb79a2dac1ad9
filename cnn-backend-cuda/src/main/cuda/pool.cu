// Max and average pooling, NHWC. The geometry arrives as struct PoolGeom (org.cnn4j.spi.
// Pool2dSpec's twelve ints in declaration order). Padded positions never win a max and are not
// counted in an average.
//
// Forward indexing: one thread per output element, idx = ((img * outH + oy) * outW + ox) * c
// + ch. Backward indexing: one thread per input element, idx = ((img * h + iy) * w + ix) * c
// + ch, gathering from every output window that covers it; each dx element is written exactly
// once, with no atomics and a fixed summation order. Index arithmetic is 32-bit (the host checks).
#include "common.cuh"

struct PoolGeom {
  int n, h, w, c, poolH, poolW, strideH, strideW, padTop, padLeft, outH, outW;
};

// Position (row-major iy * w + ix) of the first maximum of the window of (oy, ox), or -1.
// Strictly greater replaces, so the earliest of tied maxima wins (the SPI's tie rule).
__device__ __forceinline__ int window_argmax(const PoolGeom& g, const float* xImg, int oy,
                                             int ox, int ch) {
  const int y0 = oy * g.strideH - g.padTop, x0 = ox * g.strideW - g.padLeft;
  int arg = -1;
  float best = 0.0f;
  for (int py = 0; py < g.poolH; py++) {
    const int iy = y0 + py;
    if (iy < 0 || iy >= g.h) continue;
    for (int px = 0; px < g.poolW; px++) {
      const int ix = x0 + px;
      if (ix < 0 || ix >= g.w) continue;
      const float v = xImg[(iy * g.w + ix) * g.c + ch];
      if (arg < 0 || v > best) { best = v; arg = iy * g.w + ix; }
    }
  }
  return arg;
}

__device__ __forceinline__ int window_count(const PoolGeom& g, int oy, int ox) {
  const int y0 = oy * g.strideH - g.padTop, x0 = ox * g.strideW - g.padLeft;
  const int ys = min(y0 + g.poolH, g.h) - max(y0, 0);
  const int xs = min(x0 + g.poolW, g.w) - max(x0, 0);
  return max(ys, 0) * max(xs, 0);
}

extern "C" __global__ void max_pool_forward(PoolGeom g, const float* __restrict__ x,
                                            float* __restrict__ y, int total) {
  GRID_STRIDE_LOOP(i, total) {
    const int idx = (int)i;
    int rest = idx / g.c;
    const int ch = idx - rest * g.c;
    const int ox = rest % g.outW;
    rest /= g.outW;
    const int oy = rest % g.outH;
    const int img = rest / g.outH;
    const float* xImg = x + img * g.h * g.w * g.c;
    const int arg = window_argmax(g, xImg, oy, ox, ch);
    y[idx] = arg < 0 ? 0.0f : xImg[arg * g.c + ch];
  }
}

// The outputs along one axis whose windows cover input position i: [lo, hi].
__device__ __forceinline__ void covering(int i, int pad, int pool, int stride, int outLen,
                                         int& lo, int& hi) {
  lo = max(0, (i + pad - pool + stride) / stride);
  hi = min(outLen - 1, (i + pad) / stride);
}

extern "C" __global__ void max_pool_backward(PoolGeom g, const float* __restrict__ x,
                                             const float* __restrict__ dy,
                                             float* __restrict__ dx, int total) {
  GRID_STRIDE_LOOP(i, total) {
    const int idx = (int)i;
    int rest = idx / g.c;
    const int ch = idx - rest * g.c;
    const int ix = rest % g.w;
    rest /= g.w;
    const int iy = rest % g.h;
    const int img = rest / g.h;
    const float* xImg = x + img * g.h * g.w * g.c;
    const float* dyImg = dy + img * g.outH * g.outW * g.c;
    int oyLo, oyHi, oxLo, oxHi;
    covering(iy, g.padTop, g.poolH, g.strideH, g.outH, oyLo, oyHi);
    covering(ix, g.padLeft, g.poolW, g.strideW, g.outW, oxLo, oxHi);
    const int self = iy * g.w + ix;
    float sum = 0.0f;
    for (int oy = oyLo; oy <= oyHi; oy++)
      for (int ox = oxLo; ox <= oxHi; ox++)
        if (window_argmax(g, xImg, oy, ox, ch) == self) sum += dyImg[(oy * g.outW + ox) * g.c + ch];
    dx[idx] = sum;
  }
}

extern "C" __global__ void avg_pool_forward(PoolGeom g, const float* __restrict__ x,
                                            float* __restrict__ y, int total) {
  GRID_STRIDE_LOOP(i, total) {
    const int idx = (int)i;
    int rest = idx / g.c;
    const int ch = idx - rest * g.c;
    const int ox = rest % g.outW;
    rest /= g.outW;
    const int oy = rest % g.outH;
    const int img = rest / g.outH;
    const float* xImg = x + img * g.h * g.w * g.c;
    const int y0 = oy * g.strideH - g.padTop, x0 = ox * g.strideW - g.padLeft;
    float sum = 0.0f;
    for (int iy = max(y0, 0); iy < min(y0 + g.poolH, g.h); iy++)
      for (int ix = max(x0, 0); ix < min(x0 + g.poolW, g.w); ix++) sum += xImg[(iy * g.w + ix) * g.c + ch];
    const int cnt = window_count(g, oy, ox);
    y[idx] = cnt > 0 ? sum / cnt : 0.0f;
  }
}

extern "C" __global__ void avg_pool_backward(PoolGeom g, const float* __restrict__ dy,
                                             float* __restrict__ dx, int total) {
  GRID_STRIDE_LOOP(i, total) {
    const int idx = (int)i;
    int rest = idx / g.c;
    const int ch = idx - rest * g.c;
    const int ix = rest % g.w;
    rest /= g.w;
    const int iy = rest % g.h;
    const int img = rest / g.h;
    const float* dyImg = dy + img * g.outH * g.outW * g.c;
    int oyLo, oyHi, oxLo, oxHi;
    covering(iy, g.padTop, g.poolH, g.strideH, g.outH, oyLo, oyHi);
    covering(ix, g.padLeft, g.poolW, g.strideW, g.outW, oxLo, oxHi);
    float sum = 0.0f;
    for (int oy = oyLo; oy <= oyHi; oy++)
      for (int ox = oxLo; ox <= oxHi; ox++)
        sum += dyImg[(oy * g.outW + ox) * g.c + ch] / window_count(g, oy, ox);
    dx[idx] = sum;
  }
}
