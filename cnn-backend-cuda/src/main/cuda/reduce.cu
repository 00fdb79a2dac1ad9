// Reductions, broadcasts, softmax and losses.
#include "common.cuh"

// Sums over the middle axis in slices: x is [outer, mid, inner]. Indexing: block (bx, z) with
// bx = o * tiles + tile covers columns i = tile * blockDim.x + threadIdx.x of outer index o and
// middle rows [z * chunk, (z + 1) * chunk), its threadIdx.y rows striding by blockDim.y (reads
// coalesced along i); it writes out[(o * slices + z) * inner + i] = scale * sum. With one slice
// that is the whole reduction; with several the host folds the [outer, slices, inner] partials
// with a second launch, so a long middle axis (a bias gradient over n * h * w rows) still spreads
// over every SM.
extern "C" __global__ void reduce_middle(const float* __restrict__ x, int outer, int mid,
                                         int inner, int chunk, int slices, float scale,
                                         float* __restrict__ out) {
  __shared__ float part[256];
  const int tiles = (inner + blockDim.x - 1) / blockDim.x;
  const int o = blockIdx.x / tiles;
  const int i = (blockIdx.x % tiles) * blockDim.x + threadIdx.x;
  const int z = blockIdx.y;
  const int mBegin = min(mid, z * chunk), mEnd = min(mid, mBegin + chunk);
  float s = 0.0f;
  if (i < inner) {
    const float* px = x + (long long)o * mid * inner + i;
    for (int m = mBegin + threadIdx.y; m < mEnd; m += blockDim.y) s += px[(long long)m * inner];
  }
  s = block_column_sum(s, part);
  if (threadIdx.y == 0 && i < inner) out[((long long)o * slices + z) * inner + i] = scale * s;
}

// y[o, m, i] = scale * src[o, i] + beta * y[o, m, i]; grid-stride over y. With beta == 0, y is
// not read.
extern "C" __global__ void broadcast_middle(const float* __restrict__ src, int mid, int inner,
                                            float scale, float beta, float* y, long long total) {
  GRID_STRIDE_LOOP(idx, total) {
    const int i = (int)(idx % inner);
    const long long o = idx / ((long long)mid * inner);
    const float v = scale * src[o * inner + i];
    y[idx] = beta != 0.0f ? v + beta * y[idx] : v;
  }
}

// Row kernels below: FOR_EACH_ROW (common.cuh), one warp per row.

// Row softmax; subtracting the row maximum keeps expf finite.
extern "C" __global__ void softmax(const float* x, float* y, int rows, int cols) {
  const int lane = threadIdx.x & 31;
  FOR_EACH_ROW(r, rows) {
    const float* xr = x + (long long)r * cols;
    float* yr = y + (long long)r * cols;
    float mx = -INFINITY;
    for (int j = lane; j < cols; j += 32) mx = fmaxf(mx, xr[j]);
    mx = warp_max(mx);
    float sum = 0.0f;
    for (int j = lane; j < cols; j += 32) sum += expf(xr[j] - mx);
    const float inv = 1.0f / warp_sum(sum);
    for (int j = lane; j < cols; j += 32) yr[j] = expf(xr[j] - mx) * inv;
  }
}

// dx = y * (dy - sum(dy * y)) per row.
extern "C" __global__ void softmax_backward(const float* y, const float* dy, float* dx, int rows,
                                            int cols) {
  const int lane = threadIdx.x & 31;
  FOR_EACH_ROW(r, rows) {
    const long long base = (long long)r * cols;
    float dot = 0.0f;
    for (int j = lane; j < cols; j += 32) dot += dy[base + j] * y[base + j];
    dot = warp_sum(dot);
    for (int j = lane; j < cols; j += 32) dx[base + j] = y[base + j] * (dy[base + j] - dot);
  }
}

// Must match org.cnn4j.spi.LossKind's ordinal order.
#define SOFTMAX_CROSS_ENTROPY_SPARSE 0
#define SOFTMAX_CROSS_ENTROPY 1
#define CROSS_ENTROPY_SPARSE 2
#define CROSS_ENTROPY 3
#define BINARY_CROSS_ENTROPY 4
#define BINARY_CROSS_ENTROPY_LOGITS 5
#define MEAN_SQUARED_ERROR 6

// Keras' clip bounds as float32 computes them: [1e-7f, 1f - 1e-7f]; a clipped value's gradient
// is 0.
#define CLIP_LOW 1e-7f
#define CLIP_HIGH (1.0f - 1e-7f)
__device__ __forceinline__ float clip_prob(float p) { return fminf(fmaxf(p, CLIP_LOW), CLIP_HIGH); }
__device__ __forceinline__ bool is_clipped(float p) { return p < CLIP_LOW || p > CLIP_HIGH; }

// Per-row loss and optional gradient (hasGrad = 0: grad is not written and may be any pointer).
// Not __restrict__: without a gradient the host passes pred as grad, and a caller may compute the
// gradient in place; each lane reads p[j] before it writes g[j].
extern "C" __global__ void loss(int kind, const float* pred, const float* target, int rows,
                                int cols, float* lossPerRow, float* grad, int hasGrad,
                                float gradScale) {
  const int lane = threadIdx.x & 31;
  const bool sparse = kind == SOFTMAX_CROSS_ENTROPY_SPARSE || kind == CROSS_ENTROPY_SPARSE;
  FOR_EACH_ROW(r, rows) {
    const long long base = (long long)r * cols;
    const float* p = pred + base;
    float* g = grad + base;
    const float* t = sparse ? target : target + base;
    const int label = sparse ? (int)target[r] : -1;
#define T_AT(j) (sparse ? ((j) == label ? 1.0f : 0.0f) : t[j])
    float l = 0.0f;
    if (kind == SOFTMAX_CROSS_ENTROPY_SPARSE || kind == SOFTMAX_CROSS_ENTROPY) {
      // loss = sum_j t_j (log(sum exp(p - max)) + max - p_j): keeping max - p_j apart from the
      // log term avoids cancelling against a large logsumexp. grad = softmax * sum(t) - t.
      float mx = -INFINITY;
      for (int j = lane; j < cols; j += 32) mx = fmaxf(mx, p[j]);
      mx = warp_max(mx);
      float sum = 0.0f;
      for (int j = lane; j < cols; j += 32) sum += expf(p[j] - mx);
      sum = warp_sum(sum);
      const float logSum = logf(sum);
      float tsum = 0.0f;
      for (int j = lane; j < cols; j += 32) {
        const float tj = T_AT(j);
        if (tj != 0.0f) l += tj * (logSum + (mx - p[j]));
        tsum += tj;
      }
      l = warp_sum(l);
      tsum = warp_sum(tsum);
      if (hasGrad) {
        const float inv = 1.0f / sum;
        for (int j = lane; j < cols; j += 32) g[j] = gradScale * (expf(p[j] - mx) * inv * tsum - T_AT(j));
      }
    } else if (kind == CROSS_ENTROPY_SPARSE || kind == CROSS_ENTROPY) {
      // Keras divides the row by its sum S, then clips: loss = -sum_j t_j log(clip(p_j / S));
      // d/dp_j = -t_j / p_j (where p_j / S is not clipped) + (sum of unclipped t_i) / S.
      float rowSum = 0.0f;
      for (int j = lane; j < cols; j += 32) rowSum += p[j];
      rowSum = warp_sum(rowSum);
      float unclippedMass = 0.0f;
      for (int j = lane; j < cols; j += 32) {
        const float tj = T_AT(j);
        const float q = p[j] / rowSum;
        if (tj != 0.0f) l -= tj * logf(clip_prob(q));
        if (!is_clipped(q)) unclippedMass += tj;
      }
      l = warp_sum(l);
      unclippedMass = warp_sum(unclippedMass);
      if (hasGrad) {
        const float shared = unclippedMass / rowSum;
        for (int j = lane; j < cols; j += 32) {
          const float own = is_clipped(p[j] / rowSum) ? 0.0f : -T_AT(j) / p[j];
          g[j] = gradScale * (own + shared);
        }
      }
    } else if (kind == BINARY_CROSS_ENTROPY) {
      for (int j = lane; j < cols; j += 32) {
        const float q = clip_prob(p[j]);
        l -= t[j] * logf(q) + (1.0f - t[j]) * logf(1.0f - q);
        if (hasGrad) {
          g[j] = is_clipped(p[j]) ? 0.0f : gradScale * ((q - t[j]) / (q * (1.0f - q))) / cols;
        }
      }
      l = warp_sum(l) / cols;
    } else if (kind == BINARY_CROSS_ENTROPY_LOGITS) {
      for (int j = lane; j < cols; j += 32) {
        const float z = p[j];
        // max(z, 0) - z t + log(1 + exp(-|z|)): finite for any z.
        l += fmaxf(z, 0.0f) - z * t[j] + log1pf(expf(-fabsf(z)));
        if (hasGrad) g[j] = gradScale * (1.0f / (1.0f + expf(-z)) - t[j]) / cols;
      }
      l = warp_sum(l) / cols;
    } else {
      for (int j = lane; j < cols; j += 32) {
        const float d = p[j] - t[j];
        l += d * d;
        if (hasGrad) g[j] = gradScale * 2.0f * d / cols;
      }
      l = warp_sum(l) / cols;
    }
#undef T_AT
    if (lane == 0) lossPerRow[r] = l;
  }
}

// Must match org.cnn4j.spi.ReduceOp's ordinal order (KernelConstantsTest checks it).
#define RED_SUM 0
#define RED_MAX 1

__device__ __forceinline__ float reduce_identity(int op) {
  return op == RED_SUM ? 0.0f : op == RED_MAX ? -INFINITY : INFINITY;
}

// acc op v. MAX and MIN keep NaN: a NaN v is taken, and once acc is NaN no comparison replaces it.
__device__ __forceinline__ float reduce_combine(int op, float acc, float v) {
  if (op == RED_SUM) return acc + v;
  if (isnan(v)) return v;
  if (op == RED_MAX) return v > acc ? v : acc;
  return v < acc ? v : acc;
}

// block_column_sum (common.cuh) with the combining op of ReduceOp: the op over threadIdx.y of each
// column, valid in the threads with threadIdx.y == 0, in a fixed tree order.
__device__ __forceinline__ float block_column_reduce(int op, float s, float* part) {
  const int tx = threadIdx.x, ty = threadIdx.y, bx = blockDim.x;
  part[ty * bx + tx] = s;
  __syncthreads();
  for (int h = blockDim.y >> 1; h > 0; h >>= 1) {
    if (ty < h) part[ty * bx + tx] = reduce_combine(op, part[ty * bx + tx], part[(ty + h) * bx + tx]);
    __syncthreads();
  }
  return part[tx];
}

// Backend.reduce, one reduced block at a time: x is [outer, mid, inner] and the middle axis is
// combined with the ReduceOp `op`. Indexing and slicing as reduce_middle: block (bx, z) with
// bx = o * tiles + tile covers columns i = tile * blockDim.x + threadIdx.x of outer index o and
// middle rows [z * chunk, (z + 1) * chunk), its threadIdx.y rows striding by blockDim.y; it
// writes out[(o * slices + z) * inner + i] = scale * (op over those rows). The host folds several
// slices with a second launch and runs one pass per reduced block (it merges neighbouring reduced
// axes first), applying the scale only in the last. With inner = 1 (a trailing reduction) the
// block's 256 threads read one row's consecutive elements.
extern "C" __global__ void reduce_axis(int op, const float* __restrict__ x, int outer, int mid,
                                       int inner, int chunk, int slices, float scale,
                                       float* __restrict__ out) {
  __shared__ float part[256];
  const int tiles = (inner + blockDim.x - 1) / blockDim.x;
  const int o = blockIdx.x / tiles;
  const int i = (blockIdx.x % tiles) * blockDim.x + threadIdx.x;
  const int z = blockIdx.y;
  const int mBegin = min(mid, z * chunk), mEnd = min(mid, mBegin + chunk);
  float acc = reduce_identity(op);
  if (i < inner) {
    const float* px = x + (long long)o * mid * inner + i;
    for (int m = mBegin + threadIdx.y; m < mEnd; m += blockDim.y) {
      acc = reduce_combine(op, acc, px[(long long)m * inner]);
    }
  }
  acc = block_column_reduce(op, acc, part);
  if (threadIdx.y == 0 && i < inner) out[((long long)o * slices + z) * inner + i] = scale * acc;
}
