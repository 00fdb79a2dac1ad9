// Bilinear resize with half-pixel centres (Backend.resizeBilinear) and its adjoint, NHWC.

// Where output index o samples the input along one axis of in -> out: the lower and upper input
// index and the upper one's weight, from s = max(0, (o + 0.5) * in / out - 0.5). The forward and
// the adjoint both call this, so the adjoint finds exactly the taps the forward used.
inline void bilinear_tap(int o, int in, int out, int* lo, int* hi, float* weight) {
  const float s = fmax(0.0f, ((float)o + 0.5f) * (float)in / (float)out - 0.5f);
  const float f = floor(s);
  *lo = min((int)f, in - 1);
  *hi = min(*lo + 1, in - 1);
  *weight = s - f;
}

// y[img, oy, ox, ch] from the four taps around it. Indexing (3-D): x = channel lane, y = output
// column ox, z = img * outH + oy (rows = n * outH). On a GPU the host launches one lane per
// channel, so neighbouring work items read and write neighbouring channels; on a CPU device one
// lane, which walks the channels with the taps computed once per pixel.
__kernel void resize_bilinear(__global const float* x, int h, int w, int c, int outH, int outW,
                              int rows, __global float* y) {
  const int lane = get_global_id(0);
  const int ox = get_global_id(1);
  const int row = get_global_id(2);
  if (lane >= c || ox >= outW || row >= rows) return;
  const int img = row / outH;
  const int oy = row - img * outH;
  int y0, y1, x0, x1;
  float wy, wx;
  bilinear_tap(oy, h, outH, &y0, &y1, &wy);
  bilinear_tap(ox, w, outW, &x0, &x1, &wx);
  const __global float* p00 = x + ((long)(img * h + y0) * w + x0) * c;
  const __global float* p01 = x + ((long)(img * h + y0) * w + x1) * c;
  const __global float* p10 = x + ((long)(img * h + y1) * w + x0) * c;
  const __global float* p11 = x + ((long)(img * h + y1) * w + x1) * c;
  __global float* out = y + ((long)row * outW + ox) * c;
  for (int ch = lane; ch < c; ch += get_global_size(0)) {
    const float t = (1.0f - wx) * p00[ch] + wx * p01[ch];
    const float b = (1.0f - wx) * p10[ch] + wx * p11[ch];
    out[ch] = (1.0f - wy) * t + wy * b;
  }
}

// The adjoint along one axis, one of the backward's two passes (the resize is separable, so its
// adjoint is one axis after the other): src [outer, out, inner] -> dst [outer, in, inner],
// dst[o, i, k] = sum over the output positions t whose taps include i of (tap weight) *
// src[o, t, k]. Each dst element is owned by one work item: no atomics, a fixed order, and dst is
// overwritten. The positions that can tap i lie in [(i - 0.5) * out / in - 0.5,
// (i + 1.5) * out / in - 0.5); the loop widens that by one on each side against rounding and
// keeps only the exact taps. Indexing (3-D): x = chunk of k (elements [x * chunk, (x + 1) *
// chunk)), y = i, z = o. On a GPU the chunk is 1 and the sum stays in a register; on a CPU device
// it is long, the taps are found once per chunk and the sums are kept in dst itself.
__kernel void resize_bilinear_adjoint(__global const float* src, int in, int out, int inner,
                                      int outer, int chunk, __global float* dst) {
  const int kBegin = get_global_id(0) * chunk;
  const int i = get_global_id(1);
  const int o = get_global_id(2);
  if (kBegin >= inner || i >= in || o >= outer) return;
  const int count = min(inner - kBegin, chunk);
  const float ratio = (float)out / (float)in;
  const int tBegin = max(0, (int)floor(((float)i - 0.5f) * ratio - 0.5f) - 1);
  const int tEnd = min(out, (int)ceil(((float)i + 1.5f) * ratio - 0.5f) + 1);
  const __global float* s = src + (long)o * out * inner + kBegin;
  __global float* d = dst + ((long)o * in + i) * inner + kBegin;
  if (count == 1) {
    float acc = 0.0f;
    for (int t = tBegin; t < tEnd; t++) {
      int lo, hi;
      float wt;
      bilinear_tap(t, in, out, &lo, &hi, &wt);
      if (lo == i || hi == i) {
        acc += ((lo == i ? 1.0f - wt : 0.0f) + (hi == i ? wt : 0.0f)) * s[(long)t * inner];
      }
    }
    d[0] = acc;
    return;
  }
  for (int k = 0; k < count; k++) d[k] = 0.0f;
  for (int t = tBegin; t < tEnd; t++) {
    int lo, hi;
    float wt;
    bilinear_tap(t, in, out, &lo, &hi, &wt);
    if (lo != i && hi != i) continue;
    const float weight = (lo == i ? 1.0f - wt : 0.0f) + (hi == i ? wt : 0.0f);
    const __global float* st = s + (long)t * inner;
    for (int k = 0; k < count; k++) d[k] += weight * st[k];
  }
}
