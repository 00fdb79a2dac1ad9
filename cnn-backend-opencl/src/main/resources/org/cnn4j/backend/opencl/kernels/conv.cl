// im2col and its adjoint col2im for NHWC images and HWIO kernels.
//
// The geometry arrives as one int16 holding org.cnn4j.spi.Conv2dSpec's sixteen components in
// declaration order. Images [first, first + count) and channel group `group` are unfolded.
// cols is [count * outH * outW, K] with K = kh * kw * cg, column (ky * kw + kx) * cg + ci.
//
// Index arithmetic is 32-bit (the host checks every tensor has fewer than 2^31 elements): 64-bit
// division costs several times more on CPUs and made these kernels slower than the GEMMs.

#define G_N g.s0
#define G_H g.s1
#define G_W g.s2
#define G_C g.s3
#define G_KH g.s4
#define G_KW g.s5
#define G_STRIDE_H g.s7
#define G_STRIDE_W g.s8
#define G_PAD_TOP g.s9
#define G_PAD_LEFT g.sa
#define G_DIL_H g.sb
#define G_DIL_W g.sc
#define G_GROUPS g.sd
#define G_OUT_H g.se
#define G_OUT_W g.sf

// Indexing (3-D): x = input channel ci of the group, y = output column ox, z = local image * outH
// + output row oy. The work item writes its channel of every tap of that output pixel's row of
// cols, so it divides once (z) and consecutive work items touch consecutive addresses.
__kernel void im2col(int16 g, __global const float* x, int first, int count, int group,
                     __global float* cols) {
  const int cg = G_C / G_GROUPS;
  const int ci = get_global_id(0);
  const int ox = get_global_id(1);
  const int z = get_global_id(2);
  if (ci >= cg || ox >= G_OUT_W || z >= count * G_OUT_H) return;
  const int localImg = z / G_OUT_H;
  const int oy = z - localImg * G_OUT_H;
  const int kCols = G_KH * G_KW * cg;
  __global float* out = cols + ((z * G_OUT_W) + ox) * kCols + ci;
  const __global float* img = x + (first + localImg) * G_H * G_W * G_C + group * cg + ci;
  const int y0 = oy * G_STRIDE_H - G_PAD_TOP, x0 = ox * G_STRIDE_W - G_PAD_LEFT;
  for (int ky = 0; ky < G_KH; ky++) {
    const int iy = y0 + ky * G_DIL_H;
    const bool rowInside = iy >= 0 && iy < G_H;
    for (int kx = 0; kx < G_KW; kx++) {
      const int ix = x0 + kx * G_DIL_W;
      out[(ky * G_KW + kx) * cg] =
          rowInside && ix >= 0 && ix < G_W ? img[(iy * G_W + ix) * G_C] : 0.0f;
    }
  }
}

// The adjoint, as a gather so no two work items write the same element (no atomics, and the
// sum order is fixed). Indexing (3-D): x = channel ci of the group, y = input column ix, z = local
// image * h + input row iy. The work item visits each tap (ky, kx), finds the output pixel whose
// window puts that tap on (iy, ix), if any, and adds its column entry to dx.
__kernel void col2im(int16 g, __global const float* cols, int first, int count, int group,
                     __global float* dx) {
  const int cg = G_C / G_GROUPS;
  const int ci = get_global_id(0);
  const int ix = get_global_id(1);
  const int z = get_global_id(2);
  if (ci >= cg || ix >= G_W || z >= count * G_H) return;
  const int localImg = z / G_H;
  const int iy = z - localImg * G_H;
  const int kCols = G_KH * G_KW * cg;
  float sum = 0.0f;
  for (int ky = 0; ky < G_KH; ky++) {
    const int ty = iy + G_PAD_TOP - ky * G_DIL_H;
    if (ty < 0 || ty % G_STRIDE_H != 0) continue;
    const int oy = ty / G_STRIDE_H;
    if (oy >= G_OUT_H) continue;
    for (int kx = 0; kx < G_KW; kx++) {
      const int tx = ix + G_PAD_LEFT - kx * G_DIL_W;
      if (tx < 0 || tx % G_STRIDE_W != 0) continue;
      const int ox = tx / G_STRIDE_W;
      if (ox >= G_OUT_W) continue;
      const int row = (localImg * G_OUT_H + oy) * G_OUT_W + ox;
      sum += cols[row * kCols + (ky * G_KW + kx) * cg + ci];
    }
  }
  dx[(((first + localImg) * G_H + iy) * G_W + ix) * G_C + group * cg + ci] += sum;
}
