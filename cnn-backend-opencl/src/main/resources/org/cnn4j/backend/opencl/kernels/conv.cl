// im2col and its adjoint col2im for NHWC images and HWIO kernels.
//
// The geometry arrives as one int16 holding org.cnn4j.spi.Conv2dSpec's sixteen components in
// declaration order. Images [first, first + count) and channel group `group` are unfolded.
// cols is [count * outH * outW, K] with K = kh * kw * cg, column (ky * kw + kx) * cg + ci.

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

// Indexing: one work item per element of cols, idx = row * K + column; consecutive work items
// write consecutive columns (and, within a tap, read consecutive input channels).
__kernel void im2col(int16 g, __global const float* x, int first, int count, int group,
                     __global float* cols) {
  const int cg = G_C / G_GROUPS;
  const int kCols = G_KH * G_KW * cg;
  const int pixels = G_OUT_H * G_OUT_W;
  const long total = (long)count * pixels * kCols;
  const long idx = get_global_id(0);
  if (idx >= total) return;
  const long row = idx / kCols;
  const int j = (int)(idx - row * kCols);
  const int ci = j % cg;
  const int tap = j / cg;
  const int kx = tap % G_KW, ky = tap / G_KW;
  const int img = first + (int)(row / pixels);
  const int pix = (int)(row % pixels);
  const int oy = pix / G_OUT_W, ox = pix % G_OUT_W;
  const int iy = oy * G_STRIDE_H - G_PAD_TOP + ky * G_DIL_H;
  const int ix = ox * G_STRIDE_W - G_PAD_LEFT + kx * G_DIL_W;
  float v = 0.0f;
  if (iy >= 0 && iy < G_H && ix >= 0 && ix < G_W) {
    v = x[(((long)img * G_H + iy) * G_W + ix) * G_C + group * cg + ci];
  }
  cols[idx] = v;
}

// The adjoint, as a gather so no two work items write the same element (no atomics, and the
// sum order is fixed). Indexing: one work item per input element of the group's channels,
// idx = ((img - first) * h + iy) * w + ix) * cg + ci; it visits each tap (ky, kx), finds the
// output pixel whose window puts that tap on (iy, ix), if any, and adds its column entry.
__kernel void col2im(int16 g, __global const float* cols, int first, int count, int group,
                     __global float* dx) {
  const int cg = G_C / G_GROUPS;
  const int kCols = G_KH * G_KW * cg;
  const long total = (long)count * G_H * G_W * cg;
  const long idx = get_global_id(0);
  if (idx >= total) return;
  const int ci = (int)(idx % cg);
  long rest = idx / cg;
  const int ix = (int)(rest % G_W);
  rest /= G_W;
  const int iy = (int)(rest % G_H);
  const int local_img = (int)(rest / G_H);
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
      const long row = ((long)local_img * G_OUT_H + oy) * G_OUT_W + ox;
      sum += cols[row * kCols + (ky * G_KW + kx) * cg + ci];
    }
  }
  const int img = first + local_img;
  dx[(((long)img * G_H + iy) * G_W + ix) * G_C + group * cg + ci] += sum;
}
