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
#define RED_MIN 2
#define RED_ARGMAX 3
#define RED_ARGMIN 4

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

// ARGMAX and ARGMIN (Backend.reduce): the row-major position among the reduced elements of the
// first maximum or minimum, a NaN winning at once (NumPy's argmax and argmin). Positions count
// over all reduced axes together, so these cannot run one reduced block per pass as reduce_axis
// does. The host (org.cnn4j.spi.ReduceBlocks) merges neighbouring axes of one kind and passes an
// ArgGeom (the kept and reduced block counts, at most 7 each, and their sizes, outermost first)
// and the kept and reduced blocks' strides in x.
// Indexing: grid-stride over idx = z * outputs + o, o the output (the row-major index over the
// kept blocks), z the slice, which takes the reduced positions [z * chunk, (z + 1) * chunk); so
// neighbouring threads take neighbouring outputs of one slice. A thread divides o by the kept
// sizes and its first position by the reduced sizes once, then walks its slice with an odometer
// over the reduced blocks (one add per element, a carry now and then). With one slice it writes
// its position to where[o]; with several it writes its slice's winner to best[idx] and the
// winner's position to where[idx], and arg_combine picks among the slices. Positions are floats
// (exact below 2^24, as the SPI says).
struct ArgGeom {
  int kept, reduced;
  int keptSize[7];
  int reducedSize[7];
};

struct BlockStrides {
  long long s[8];
};

// Whether v, met after best, takes its place: a NaN best is final, a NaN v wins, otherwise only a
// strictly larger (ARGMAX) or smaller (ARGMIN) value, so ties keep the first position.
__device__ __forceinline__ bool arg_takes(int op, float best, float v) {
  if (isnan(best)) return false;
  if (isnan(v)) return true;
  return op == RED_ARGMAX ? v > best : v < best;
}

extern "C" __global__ void arg_reduce(int op, const float* __restrict__ x, ArgGeom g,
                                      BlockStrides ks, BlockStrides rs, int outputs, int chunk,
                                      int slices, float* best, float* where) {
  long long length = 1;
  for (int k = 0; k < g.reduced; k++) length *= g.reducedSize[k];
  GRID_STRIDE_LOOP(idx, (long long)outputs * slices) {
    const int z = (int)(idx / outputs);
    const int o = (int)(idx - (long long)z * outputs);
    long long p = 0;
    int rest = o;
    for (int k = g.kept - 1; k >= 0; k--) {
      p += (long long)(rest % g.keptSize[k]) * ks.s[k];
      rest /= g.keptSize[k];
    }
    const long long rBegin = (long long)z * chunk;
    const long long rEnd = min(length, rBegin + chunk);
    int at[7];
    long long r = rBegin;
    for (int k = g.reduced - 1; k >= 0; k--) {
      at[k] = (int)(r % g.reducedSize[k]);
      r /= g.reducedSize[k];
      p += at[k] * rs.s[k];
    }
    float b = x[p];
    long long pos = rBegin;
    for (long long q = rBegin + 1; q < rEnd && !isnan(b); q++) {
      // The odometer: step the innermost reduced block, carrying into the outer ones.
      for (int k = g.reduced - 1; k >= 0; k--) {
        p += rs.s[k];
        if (++at[k] < g.reducedSize[k]) break;
        p -= g.reducedSize[k] * rs.s[k];
        at[k] = 0;
      }
      const float v = x[p];
      if (arg_takes(op, b, v)) {
        b = v;
        pos = q;
      }
    }
    if (slices == 1) {
      where[o] = (float)pos;
    } else {
      best[idx] = b;
      where[idx] = (float)pos;
    }
  }
}

// The slices' winners of arg_reduce folded in slice order, so the earliest of equal winners (and
// the first NaN) stays: out[o] = the position of the winner among best[z * outputs + o] over z.
// Grid-stride over the outputs o.
extern "C" __global__ void arg_combine(int op, const float* __restrict__ best,
                                       const float* __restrict__ where, int outputs, int slices,
                                       float* __restrict__ out) {
  GRID_STRIDE_LOOP(o, outputs) {
    float b = best[o];
    float pos = where[o];
    for (int z = 1; z < slices; z++) {
      const float v = best[(long long)z * outputs + o];
      if (arg_takes(op, b, v)) {
        b = v;
        pos = where[(long long)z * outputs + o];
      }
    }
    out[o] = pos;
  }
}
