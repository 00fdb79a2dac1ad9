// Bilinear resize with half-pixel centres (Backend.resizeBilinear) and its adjoint, NHWC. The host
// checks that each tensor has fewer than 2^31 elements, so indices are 32-bit.
#include "common.cuh"

// Where output index o samples the input along one axis of in -> out: the lower and upper input
// index and the upper one's weight, from s = max(0, (o + 0.5) * in / out - 0.5). The forward and
// the adjoint both call this, so the adjoint finds exactly the taps the forward used.
__device__ __forceinline__ void bilinear_tap(int o, int in, int out, int& lo, int& hi,
                                             float& weight) {
  const float s = fmaxf(0.0f, ((float)o + 0.5f) * (float)in / (float)out - 0.5f);
  const float f = floorf(s);
  lo = min((int)f, in - 1);
  hi = min(lo + 1, in - 1);
  weight = s - f;
}

// y[img, oy, ox, ch] from the four taps around it. Indexing: grid-stride over
// idx = ((img * outH + oy) * outW + ox) * c + ch, so consecutive threads read and write
// consecutive channels.
extern "C" __global__ void resize_bilinear(const float* __restrict__ x, int h, int w, int c,
                                           int outH, int outW, float* __restrict__ y, int total) {
  GRID_STRIDE_LOOP(i, total) {
    const int idx = (int)i;
    int rest = idx / c;
    const int ch = idx - rest * c;
    const int ox = rest % outW;
    rest /= outW;
    const int oy = rest % outH;
    const int img = rest / outH;
    int y0, y1, x0, x1;
    float wy, wx;
    bilinear_tap(oy, h, outH, y0, y1, wy);
    bilinear_tap(ox, w, outW, x0, x1, wx);
    const float* top = x + (img * h + y0) * w * c + ch;
    const float* bottom = x + (img * h + y1) * w * c + ch;
    const float t = (1.0f - wx) * top[x0 * c] + wx * top[x1 * c];
    const float b = (1.0f - wx) * bottom[x0 * c] + wx * bottom[x1 * c];
    y[idx] = (1.0f - wy) * t + wy * b;
  }
}

// The adjoint along one axis, one of the backward's two passes (the resize is separable, so its
// adjoint is one axis after the other): src [outer, out, inner] -> dst [outer, in, inner],
// dst[o, i, k] = sum over the output positions t whose taps include i of (tap weight) *
// src[o, t, k]. Each thread gathers one dst element: no atomics, a fixed order, dst overwritten.
// The positions that can tap i lie in [(i - 0.5) * out / in - 0.5, (i + 1.5) * out / in - 0.5);
// the loop widens that by one on each side against rounding and keeps only the exact taps.
// Indexing: grid-stride over idx = (o * in + i) * inner + k (consecutive threads, consecutive k).
extern "C" __global__ void resize_bilinear_adjoint(const float* __restrict__ src, int in, int out,
                                                   int inner, float* __restrict__ dst,
                                                   int total) {
  const float ratio = (float)out / (float)in;
  GRID_STRIDE_LOOP(n, total) {
    const int idx = (int)n;
    const int rest = idx / inner;
    const int k = idx - rest * inner;
    const int o = rest / in;
    const int i = rest - o * in;
    const int tBegin = max(0, (int)floorf(((float)i - 0.5f) * ratio - 0.5f) - 1);
    const int tEnd = min(out, (int)ceilf(((float)i + 1.5f) * ratio - 0.5f) + 1);
    const float* s = src + o * out * inner + k;
    float acc = 0.0f;
    for (int t = tBegin; t < tEnd; t++) {
      int lo, hi;
      float wt;
      bilinear_tap(t, in, out, lo, hi, wt);
      if (lo == i || hi == i) {
        acc += ((lo == i ? 1.0f - wt : 0.0f) + (hi == i ? wt : 0.0f)) * s[t * inner];
      }
    }
    dst[idx] = acc;
  }
}
