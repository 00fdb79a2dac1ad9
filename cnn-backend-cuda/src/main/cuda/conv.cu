// im2col and its adjoint col2im for NHWC images and HWIO kernels.
//
// The geometry arrives as struct ConvGeom (org.cnn4j.spi.Conv2dSpec's sixteen ints in
// declaration order, passed by value). Images [first, first + count) and channel group `group`
// are unfolded; cols is [count * outH * outW, K] with K = kh * kw * cg, column
// (ky * kw + kx) * cg + ci. Index arithmetic is 32-bit: the host checks every tensor has fewer
// than 2^31 elements.
#include "common.cuh"

struct ConvGeom {
  int n, h, w, c, kh, kw, filters, strideH, strideW, padTop, padLeft, dilH, dilW, groups, outH,
      outW;
};

// Indexing: one thread per (output pixel row of cols, channel ci): idx = row * cg + ci, grid-
// stride. The thread writes channel ci of every tap of that row, so consecutive threads write
// consecutive addresses when cg > 1 and divide once per element.
extern "C" __global__ void im2col(ConvGeom g, const float* __restrict__ x, int first, int count,
                                  int group, float* __restrict__ cols) {
  const int cg = g.c / g.groups;
  const int kCols = g.kh * g.kw * cg;
  const long long total = (long long)count * g.outH * g.outW * cg;
  GRID_STRIDE_LOOP(idx, total) {
    const int ci = (int)(idx % cg);
    const int row = (int)(idx / cg);
    const int ox = row % g.outW;
    const int z = row / g.outW;  // local image * outH + oy
    const int localImg = z / g.outH;
    const int oy = z - localImg * g.outH;
    float* out = cols + (long long)row * kCols + ci;
    const float* img = x + (long long)(first + localImg) * g.h * g.w * g.c + group * cg + ci;
    const int y0 = oy * g.strideH - g.padTop, x0 = ox * g.strideW - g.padLeft;
    for (int ky = 0; ky < g.kh; ky++) {
      const int iy = y0 + ky * g.dilH;
      const bool rowInside = iy >= 0 && iy < g.h;
      for (int kx = 0; kx < g.kw; kx++) {
        const int ix = x0 + kx * g.dilW;
        out[(ky * g.kw + kx) * cg] =
            rowInside && ix >= 0 && ix < g.w ? img[(iy * g.w + ix) * g.c] : 0.0f;
      }
    }
  }
}

// The adjoint, as a gather so no two threads write the same element (no atomics, fixed sum
// order). Indexing: one thread per input element of the group, idx = ((localImg * h + iy) * w
// + ix) * cg + ci; it visits each tap (ky, kx), finds the output pixel whose window puts that tap
// on (iy, ix), if any, and adds its column entry to dx (which the caller initialised).
extern "C" __global__ void col2im(ConvGeom g, const float* __restrict__ cols, int first,
                                  int count, int group, float* __restrict__ dx) {
  const int cg = g.c / g.groups;
  const int kCols = g.kh * g.kw * cg;
  const long long total = (long long)count * g.h * g.w * cg;
  GRID_STRIDE_LOOP(idx, total) {
    const int ci = (int)(idx % cg);
    int rest = (int)(idx / cg);
    const int ix = rest % g.w;
    rest /= g.w;
    const int iy = rest % g.h;
    const int localImg = rest / g.h;
    float sum = 0.0f;
    for (int ky = 0; ky < g.kh; ky++) {
      const int ty = iy + g.padTop - ky * g.dilH;
      if (ty < 0 || ty % g.strideH != 0) continue;
      const int oy = ty / g.strideH;
      if (oy >= g.outH) continue;
      for (int kx = 0; kx < g.kw; kx++) {
        const int tx = ix + g.padLeft - kx * g.dilW;
        if (tx < 0 || tx % g.strideW != 0) continue;
        const int ox = tx / g.strideW;
        if (ox >= g.outW) continue;
        const int row = (localImg * g.outH + oy) * g.outW + ox;
        sum += cols[(long long)row * kCols + (ky * g.kw + kx) * cg + ci];
      }
    }
    dx[(((long long)(first + localImg) * g.h + iy) * g.w + ix) * g.c + group * cg + ci] += sum;
  }
}
