// Max and average pooling, NHWC. The geometry arrives as one int16 whose first twelve
// components are org.cnn4j.spi.Pool2dSpec's, in declaration order. Padded positions never win a
// max and are not counted in an average.
//
// Indexing (3-D): y = a column (forward: output column ox; backward: input column ix), z = image *
// rows + row (one division per work item), x = a channel lane: the work item handles channels
// lane, lane + lanes, ... The host picks the lanes from the device: one per channel on GPUs, a
// single lane on CPUs, where a work item then walks contiguous channels and computes its window
// once for all of them (per-element integer division had made these kernels the slowest of a
// training step on PoCL); with a multiple of 8 channels that lane moves float8 blocks.
// Max-pool backward scatters when windows do not overlap (max_pool_backward_disjoint); otherwise
// the backward kernels gather from every output window that covers their input element. Either
// way each dx element is written by one work item, with no atomics and a fixed summation order.

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

// The window of output (oy, ox) clipped to the image: rows [ys, ye), columns [xs, xe).
#define WINDOW(oy, ox, ys, ye, xs, xe) \
  const int ys = max((oy) * P_STRIDE_H - P_PAD_TOP, 0); \
  const int ye = min((oy) * P_STRIDE_H - P_PAD_TOP + P_POOL_H, P_H); \
  const int xs = max((ox) * P_STRIDE_W - P_PAD_LEFT, 0); \
  const int xe = min((ox) * P_STRIDE_W - P_PAD_LEFT + P_POOL_W, P_W);

// The range of outputs along one axis whose windows cover input position i.
#define COVERING(i, pad, pool, stride, outLen, lo, hi) \
  const int lo = max(0, ((i) + (pad) - (pool) + (stride)) / (stride)); \
  const int hi = min((outLen) - 1, ((i) + (pad)) / (stride));

// Position (row-major y * w + x) of the first maximum of channel ch in the clipped window, or -1.
inline int window_argmax(int16 g, __global const float* xImg, int ys, int ye, int xs, int xe,
                         int ch) {
  int arg = -1;
  float best = 0.0f;
  for (int iy = ys; iy < ye; iy++) {
    for (int ix = xs; ix < xe; ix++) {
      const float v = xImg[(iy * P_W + ix) * P_C + ch];
      if (arg < 0 || v > best) { best = v; arg = iy * P_W + ix; }
    }
  }
  return arg;
}

__kernel void max_pool_forward(int16 g, __global const float* x, __global float* y, int rows) {
  const int lane = get_global_id(0), lanes = get_global_size(0);
  const int ox = get_global_id(1);
  const int z = get_global_id(2);
  if (ox >= P_OUT_W || z >= rows) return;
  const int img = z / P_OUT_H;
  const int oy = z - img * P_OUT_H;
  WINDOW(oy, ox, ys, ye, xs, xe)
  const __global float* xImg = x + img * P_H * P_W * P_C;
  __global float* out = y + (z * P_OUT_W + ox) * P_C;
  if (ys >= ye || xs >= xe) {
    for (int ch = lane; ch < P_C; ch += lanes) out[ch] = 0.0f;
    return;
  }
  if (lanes == 1 && P_C % 8 == 0) {
    // One lane walking channels in blocks of 8 (contiguous float8 loads and stores).
    for (int ch = 0; ch < P_C; ch += 8) {
      float8 best = vload8(0, xImg + (ys * P_W + xs) * P_C + ch);
      for (int iy = ys; iy < ye; iy++) {
        for (int ix = xs; ix < xe; ix++) {
          const float8 v = vload8(0, xImg + (iy * P_W + ix) * P_C + ch);
          best = select(best, v, isgreater(v, best));
        }
      }
      vstore8(best, 0, out + ch);
    }
    return;
  }
  for (int ch = lane; ch < P_C; ch += lanes) {
    float best = xImg[(ys * P_W + xs) * P_C + ch];
    for (int iy = ys; iy < ye; iy++) {
      for (int ix = xs; ix < xe; ix++) {
        const float v = xImg[(iy * P_W + ix) * P_C + ch];
        best = v > best ? v : best;
      }
    }
    out[ch] = best;
  }
}

__kernel void max_pool_backward(int16 g, __global const float* x, __global const float* dy,
                                __global float* dx, int rows) {
  const int lane = get_global_id(0), lanes = get_global_size(0);
  const int ix = get_global_id(1);
  const int z = get_global_id(2);
  if (ix >= P_W || z >= rows) return;
  const int img = z / P_H;
  const int iy = z - img * P_H;
  const __global float* xImg = x + img * P_H * P_W * P_C;
  const __global float* dyImg = dy + img * P_OUT_H * P_OUT_W * P_C;
  __global float* out = dx + (z * P_W + ix) * P_C;
  COVERING(iy, P_PAD_TOP, P_POOL_H, P_STRIDE_H, P_OUT_H, oyLo, oyHi)
  COVERING(ix, P_PAD_LEFT, P_POOL_W, P_STRIDE_W, P_OUT_W, oxLo, oxHi)
  const int self = iy * P_W + ix;
  for (int ch = lane; ch < P_C; ch += lanes) {
    float sum = 0.0f;
    for (int oy = oyLo; oy <= oyHi; oy++) {
      for (int ox = oxLo; ox <= oxHi; ox++) {
        WINDOW(oy, ox, ys, ye, xs, xe)
        if (window_argmax(g, xImg, ys, ye, xs, xe, ch) == self) {
          sum += dyImg[(oy * P_OUT_W + ox) * P_C + ch];
        }
      }
    }
    out[ch] = sum;
  }
}

__kernel void avg_pool_forward(int16 g, __global const float* x, __global float* y, int rows) {
  const int lane = get_global_id(0), lanes = get_global_size(0);
  const int ox = get_global_id(1);
  const int z = get_global_id(2);
  if (ox >= P_OUT_W || z >= rows) return;
  const int img = z / P_OUT_H;
  const int oy = z - img * P_OUT_H;
  WINDOW(oy, ox, ys, ye, xs, xe)
  const __global float* xImg = x + img * P_H * P_W * P_C;
  __global float* out = y + (z * P_OUT_W + ox) * P_C;
  const int cnt = max(ye - ys, 0) * max(xe - xs, 0);
  for (int ch = lane; ch < P_C; ch += lanes) {
    float sum = 0.0f;
    for (int iy = ys; iy < ye; iy++) {
      for (int ix = xs; ix < xe; ix++) sum += xImg[(iy * P_W + ix) * P_C + ch];
    }
    out[ch] = cnt > 0 ? sum / cnt : 0.0f;
  }
}

__kernel void avg_pool_backward(int16 g, __global const float* dy, __global float* dx, int rows) {
  const int lane = get_global_id(0), lanes = get_global_size(0);
  const int ix = get_global_id(1);
  const int z = get_global_id(2);
  if (ix >= P_W || z >= rows) return;
  const int img = z / P_H;
  const int iy = z - img * P_H;
  const __global float* dyImg = dy + img * P_OUT_H * P_OUT_W * P_C;
  __global float* out = dx + (z * P_W + ix) * P_C;
  COVERING(iy, P_PAD_TOP, P_POOL_H, P_STRIDE_H, P_OUT_H, oyLo, oyHi)
  COVERING(ix, P_PAD_LEFT, P_POOL_W, P_STRIDE_W, P_OUT_W, oxLo, oxHi)
  for (int ch = lane; ch < P_C; ch += lanes) out[ch] = 0.0f;
  for (int oy = oyLo; oy <= oyHi; oy++) {
    for (int ox = oxLo; ox <= oxHi; ox++) {
      WINDOW(oy, ox, ys, ye, xs, xe)
      const int cnt = max(ye - ys, 0) * max(xe - xs, 0);
      const __global float* src = dyImg + (oy * P_OUT_W + ox) * P_C;
      for (int ch = lane; ch < P_C; ch += lanes) out[ch] += src[ch] / cnt;
    }
  }
}

// max_pool_backward for windows that do not overlap (stride >= pool), as a scatter: the work item
// of output (oy, ox) finds each channel's first maximum in its window and writes dy there and 0
// at the window's other positions, reading x once instead of once per covering window. Input
// positions no window covers are not written (the host zeroes dx first when there are any).
// Indexing as max_pool_forward.
__kernel void max_pool_backward_disjoint(int16 g, __global const float* x,
                                         __global const float* dy, __global float* dx, int rows) {
  const int lane = get_global_id(0), lanes = get_global_size(0);
  const int ox = get_global_id(1);
  const int z = get_global_id(2);
  if (ox >= P_OUT_W || z >= rows) return;
  const int img = z / P_OUT_H;
  const int oy = z - img * P_OUT_H;
  WINDOW(oy, ox, ys, ye, xs, xe)
  const int imgBase = img * P_H * P_W * P_C;
  const __global float* g_dy = dy + (z * P_OUT_W + ox) * P_C;
  if (lanes == 1 && P_C % 8 == 0 && ys < ye && xs < xe) {
    // One lane walking channels in blocks of 8: contiguous float8 loads and stores, the first
    // maximum kept per lane by selects (a later position wins only when strictly greater).
    for (int ch = 0; ch < P_C; ch += 8) {
      const int first = imgBase + (ys * P_W + xs) * P_C + ch;
      float8 best = vload8(0, x + first);
      int8 arg = (int8)(first);
      for (int iy = ys; iy < ye; iy++) {
        for (int ix = xs; ix < xe; ix++) {
          const int at = imgBase + (iy * P_W + ix) * P_C + ch;
          const float8 v = vload8(0, x + at);
          const int8 greater = isgreater(v, best);
          best = select(best, v, greater);
          arg = select(arg, (int8)(at), greater);
        }
      }
      const float8 grad = vload8(0, g_dy + ch);
      for (int iy = ys; iy < ye; iy++) {
        for (int ix = xs; ix < xe; ix++) {
          const int at = imgBase + (iy * P_W + ix) * P_C + ch;
          vstore8(select((float8)(0.0f), grad, arg == (int8)(at)), 0, dx + at);
        }
      }
    }
    return;
  }
  for (int ch = lane; ch < P_C; ch += lanes) {
    int arg = -1;
    float best = 0.0f;
    for (int iy = ys; iy < ye; iy++) {
      for (int ix = xs; ix < xe; ix++) {
        const int at = imgBase + (iy * P_W + ix) * P_C + ch;
        const float v = x[at];
        if (arg < 0 || v > best) { best = v; arg = at; }
      }
    }
    const float grad = g_dy[ch];
    for (int iy = ys; iy < ye; iy++) {
      for (int ix = xs; ix < xe; ix++) {
        const int at = imgBase + (iy * P_W + ix) * P_C + ch;
        dx[at] = at == arg ? grad : 0.0f;
      }
    }
  }
}
