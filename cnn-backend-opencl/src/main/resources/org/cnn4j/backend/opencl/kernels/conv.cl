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

// Indexing (3-D) of both kernels: y = a column of the image (im2col: output column ox; col2im:
// input column ix), z = local image * rows + row (one division per work item), x = a channel
// lane: the work item handles channels lane, lane + lanes, ... of the group. The host picks the
// number of lanes from the device: one per channel on GPUs (neighbouring work items touch
// neighbouring addresses), a single lane on CPUs (each work item copies contiguous channel runs,
// and there are no per-channel index computations).

// The work item writes the whole cols row of output pixel (oy, ox): for each tap, the cg channels
// of the input pixel under it (0 where the tap falls in the padding).
__kernel void im2col(int16 g, __global const float* x, int first, int count, int group,
                     __global float* cols) {
  const int cg = G_C / G_GROUPS;
  const int lane = get_global_id(0), lanes = get_global_size(0);
  const int ox = get_global_id(1);
  const int z = get_global_id(2);
  if (ox >= G_OUT_W || z >= count * G_OUT_H) return;
  const int localImg = z / G_OUT_H;
  const int oy = z - localImg * G_OUT_H;
  const int kCols = G_KH * G_KW * cg;
  __global float* out = cols + (z * G_OUT_W + ox) * kCols;
  const __global float* img = x + (first + localImg) * G_H * G_W * G_C + group * cg;
  const int y0 = oy * G_STRIDE_H - G_PAD_TOP, x0 = ox * G_STRIDE_W - G_PAD_LEFT;
  // Without groups and dilation, a kernel row's kw taps over an in-bounds span of the image are
  // one contiguous run of kw * c floats in both x and cols: one copy loop instead of kw (a 3x3
  // convolution of an RGB image copies 9 floats per row instead of 3 loops of 3).
  const bool spanInside = G_GROUPS == 1 && G_DIL_W == 1 && x0 >= 0 && x0 + G_KW <= G_W;
  for (int ky = 0; ky < G_KH; ky++) {
    const int iy = y0 + ky * G_DIL_H;
    const bool rowInside = iy >= 0 && iy < G_H;
    if (rowInside && spanInside) {
      const __global float* src = img + (iy * G_W + x0) * G_C;
      __global float* o = out + ky * G_KW * cg;
      for (int j = lane; j < G_KW * cg; j += lanes) o[j] = src[j];
      continue;
    }
    for (int kx = 0; kx < G_KW; kx++) {
      const int ix = x0 + kx * G_DIL_W;
      __global float* o = out + (ky * G_KW + kx) * cg;
      if (rowInside && ix >= 0 && ix < G_W) {
        const __global float* src = img + (iy * G_W + ix) * G_C;
        for (int ci = lane; ci < cg; ci += lanes) o[ci] = src[ci];
      } else {
        for (int ci = lane; ci < cg; ci += lanes) o[ci] = 0.0f;
      }
    }
  }
}

// The adjoint, as a gather so no two work items write the same element (no atomics, and the
// sum order is fixed): the work item owns input pixel (iy, ix) of the group's channels, visits
// each tap (ky, kx), finds the output pixel whose window puts that tap on (iy, ix), if any, and
// adds that cols entry to dx.
__kernel void col2im(int16 g, __global const float* cols, int first, int count, int group,
                     __global float* dx) {
  const int cg = G_C / G_GROUPS;
  const int lane = get_global_id(0), lanes = get_global_size(0);
  const int ix = get_global_id(1);
  const int z = get_global_id(2);
  if (ix >= G_W || z >= count * G_H) return;
  const int localImg = z / G_H;
  const int iy = z - localImg * G_H;
  const int kCols = G_KH * G_KW * cg;
  __global float* d = dx + (((first + localImg) * G_H + iy) * G_W + ix) * G_C + group * cg;
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
      const __global float* src =
          cols + ((localImg * G_OUT_H + oy) * G_OUT_W + ox) * kCols + (ky * G_KW + kx) * cg;
      for (int ci = lane; ci < cg; ci += lanes) d[ci] += src[ci];
    }
  }
}
