// Reductions, broadcasts, softmax and losses.

// Sums over the middle axis in slices: x is [outer, mid, inner]; work item (x = o * inner + i,
// y = slice z) writes out[(o * slices + z) * inner + i] = scale * sum of x[o, m, i] for m in
// [z * chunk, (z + 1) * chunk). With one slice this is the whole reduction; with several the
// host runs it again over the [outer, slices, inner] partials, so a long middle axis still
// spreads over the device while consecutive work items read consecutive addresses.
__kernel void reduce_middle(__global const float* x, int outer, int mid, int inner, int chunk,
                            int slices, float scale, __global float* out) {
  const long oi = get_global_id(0);
  const int z = get_global_id(1);
  if (oi >= (long)outer * inner || z >= slices) return;
  const long o = oi / inner;
  const int i = (int)(oi - o * inner);
  const int mBegin = min(mid, z * chunk);
  const int mEnd = min(mid, mBegin + chunk);
  const __global float* p = x + (o * mid + mBegin) * inner + i;
  float s = 0.0f;
  for (int m = mBegin; m < mEnd; m++, p += inner) s += *p;
  out[(o * slices + z) * inner + i] = scale * s;
}

// y[o, m, i] = scale * src[o, i] + beta * y[o, m, i]; one work item per element of y. With
// beta == 0 y is not read.
__kernel void broadcast_middle(__global const float* src, int outer, int mid, int inner,
                               float scale, float beta, __global float* y) {
  const long idx = get_global_id(0);
  if (idx >= (long)outer * mid * inner) return;
  const int i = (int)(idx % inner);
  const long o = idx / ((long)mid * inner);
  const float v = scale * src[o * inner + i];
  y[idx] = beta != 0.0f ? v + beta * y[idx] : v;
}

// Row softmax; one work item per row. Subtracting the row maximum keeps exp finite.
__kernel void softmax(__global const float* x, __global float* y, int rows, int cols) {
  const int r = get_global_id(0);
  if (r >= rows) return;
  const __global float* xr = x + (long)r * cols;
  __global float* yr = y + (long)r * cols;
  float mx = -INFINITY;
  for (int j = 0; j < cols; j++) mx = fmax(mx, xr[j]);
  float sum = 0.0f;
  for (int j = 0; j < cols; j++) sum += exp(xr[j] - mx);
  const float inv = 1.0f / sum;
  for (int j = 0; j < cols; j++) yr[j] = exp(xr[j] - mx) * inv;
}

// dx = y * (dy - sum(dy * y)) per row; one work item per row. Element j is read before it is
// written, so dx may alias dy.
__kernel void softmax_backward(__global const float* y, __global const float* dy,
                               __global float* dx, int rows, int cols) {
  const int r = get_global_id(0);
  if (r >= rows) return;
  const long base = (long)r * cols;
  float dot = 0.0f;
  for (int j = 0; j < cols; j++) dot += dy[base + j] * y[base + j];
  for (int j = 0; j < cols; j++) dx[base + j] = y[base + j] * (dy[base + j] - dot);
}

// Must match org.cnn4j.spi.LossKind's ordinal order.
#define SOFTMAX_CROSS_ENTROPY_SPARSE 0
#define SOFTMAX_CROSS_ENTROPY 1
#define CROSS_ENTROPY_SPARSE 2
#define CROSS_ENTROPY 3
#define BINARY_CROSS_ENTROPY 4
#define BINARY_CROSS_ENTROPY_LOGITS 5
#define MEAN_SQUARED_ERROR 6

#define EPS 1e-7f

// Keras clips probabilities to [EPS, 1 - EPS]; where a value was clipped its gradient is 0.
inline float clip_prob(float p) { return clamp(p, EPS, 1.0f - EPS); }
inline bool is_clipped(float p) { return p < EPS || p > 1.0f - EPS; }
inline float clip_grad(float p, float g) { return is_clipped(p) ? 0.0f : g; }

// Per-row loss and optional gradient (hasGrad = 0: grad is not written). One work item per row.
__kernel void loss(int kind, __global const float* pred, __global const float* target,
                   int rows, int cols, __global float* lossPerRow, __global float* grad,
                   int hasGrad, float gradScale) {
  const int r = get_global_id(0);
  if (r >= rows) return;
  const long base = (long)r * cols;
  const __global float* p = pred + base;
  __global float* g = grad + base;
  const bool sparse = kind == SOFTMAX_CROSS_ENTROPY_SPARSE || kind == CROSS_ENTROPY_SPARSE;
  const __global float* t = sparse ? target : target + base;
  const int label = sparse ? (int)target[r] : -1;
  float l = 0.0f;
  if (kind == SOFTMAX_CROSS_ENTROPY_SPARSE || kind == SOFTMAX_CROSS_ENTROPY) {
    // loss = sum_j t_j (log(sum exp(p - max)) + max - p_j), with t one-hot when sparse: keeping
    // max - p_j apart from the log term avoids cancelling against a large logsumexp.
    // grad = softmax * sum(t) - t.
    float mx = -INFINITY;
    for (int j = 0; j < cols; j++) mx = fmax(mx, p[j]);
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) sum += exp(p[j] - mx);
    const float logSum = log(sum);
    float tsum = 0.0f;
    for (int j = 0; j < cols; j++) {
      const float tj = sparse ? (j == label ? 1.0f : 0.0f) : t[j];
      if (tj != 0.0f) l += tj * (logSum + (mx - p[j]));
      tsum += tj;
    }
    if (hasGrad) {
      const float inv = 1.0f / sum;
      for (int j = 0; j < cols; j++) {
        const float tj = sparse ? (j == label ? 1.0f : 0.0f) : t[j];
        g[j] = gradScale * (exp(p[j] - mx) * inv * tsum - tj);
      }
    }
  } else if (kind == CROSS_ENTROPY_SPARSE || kind == CROSS_ENTROPY) {
    // Keras first divides the row by its sum S, then clips: loss = -sum_j t_j log(clip(p_j / S)).
    // d/dp_j = -t_j / p_j (where p_j / S is not clipped) + (sum of unclipped t_i) / S.
    float rowSum = 0.0f;
    for (int j = 0; j < cols; j++) rowSum += p[j];
    float unclippedMass = 0.0f;
    for (int j = 0; j < cols; j++) {
      const float tj = sparse ? (j == label ? 1.0f : 0.0f) : t[j];
      const float q = p[j] / rowSum;
      if (tj != 0.0f) l -= tj * log(clip_prob(q));
      if (!is_clipped(q)) unclippedMass += tj;
    }
    if (hasGrad) {
      const float shared = unclippedMass / rowSum;
      for (int j = 0; j < cols; j++) {
        const float tj = sparse ? (j == label ? 1.0f : 0.0f) : t[j];
        const float own = is_clipped(p[j] / rowSum) ? 0.0f : -tj / p[j];
        g[j] = gradScale * (own + shared);
      }
    }
  } else if (kind == BINARY_CROSS_ENTROPY) {
    for (int j = 0; j < cols; j++) {
      const float q = clip_prob(p[j]);
      l -= t[j] * log(q) + (1.0f - t[j]) * log(1.0f - q);
      if (hasGrad) {
        g[j] = gradScale * clip_grad(p[j], (q - t[j]) / (q * (1.0f - q))) / cols;
      }
    }
    l /= cols;
  } else if (kind == BINARY_CROSS_ENTROPY_LOGITS) {
    for (int j = 0; j < cols; j++) {
      const float z = p[j];
      // max(z, 0) - z t + log(1 + exp(-|z|)): finite for any z.
      l += fmax(z, 0.0f) - z * t[j] + log1p(exp(-fabs(z)));
      if (hasGrad) g[j] = gradScale * (1.0f / (1.0f + exp(-z)) - t[j]) / cols;
    }
    l /= cols;
  } else {
    for (int j = 0; j < cols; j++) {
      const float d = p[j] - t[j];
      l += d * d;
      if (hasGrad) g[j] = gradScale * 2.0f * d / cols;
    }
    l /= cols;
  }
  lossPerRow[r] = l;
}

// Must match org.cnn4j.spi.ReduceOp's ordinal order (KernelConstantsTest checks it).
#define RED_SUM 0
#define RED_MAX 1
#define RED_MIN 2
#define RED_ARGMAX 3
#define RED_ARGMIN 4

inline float reduce_identity(int op) {
  return op == RED_SUM ? 0.0f : op == RED_MAX ? -INFINITY : INFINITY;
}

// acc op v. MAX and MIN keep NaN: a NaN v is taken, and once acc is NaN no comparison replaces it.
inline float reduce_combine(int op, float acc, float v) {
  if (op == RED_SUM) return acc + v;
  if (isnan(v)) return v;
  if (op == RED_MAX) return v > acc ? v : acc;
  return v < acc ? v : acc;
}

// Backend.reduce, one reduced block at a time: x is [outer, mid, inner] and the middle axis is
// combined with the ReduceOp `op`. Indexing and slicing as reduce_middle: work item (x = o * inner
// + i, y = slice z) writes out[(o * slices + z) * inner + i] = scale * (op over m in
// [z * chunk, (z + 1) * chunk) of x[o, m, i]); the host folds several slices with a second launch
// and runs one pass per reduced block (it merges neighbouring reduced axes into one block first),
// applying the scale only in the last.
__kernel void reduce_axis(int op, __global const float* x, int outer, int mid, int inner,
                          int chunk, int slices, float scale, __global float* out) {
  const long oi = get_global_id(0);
  const int z = get_global_id(1);
  if (oi >= (long)outer * inner || z >= slices) return;
  const long o = oi / inner;
  const int i = (int)(oi - o * inner);
  const int mBegin = min(mid, z * chunk);
  const int mEnd = min(mid, mBegin + chunk);
  const __global float* p = x + (o * mid + mBegin) * inner + i;
  float acc = reduce_identity(op);
  for (int m = mBegin; m < mEnd; m++, p += inner) acc = reduce_combine(op, acc, *p);
  out[(o * slices + z) * inner + i] = scale * acc;
}

// ARGMAX and ARGMIN (Backend.reduce): the row-major position among the reduced elements of the
// first maximum or minimum, a NaN winning at once (NumPy's argmax and argmin). Positions count
// over all reduced axes together, so these cannot run one reduced block per pass as reduce_axis
// does. The host (org.cnn4j.spi.ReduceBlocks) merges neighbouring axes of one kind and passes
//   int16 g:   s0 = kept blocks (<= 7), s1 = reduced blocks (<= 7), s2..s8 = the kept sizes,
//              s9..sf = the reduced sizes, outermost first;
//   long8 ks:  the kept blocks' strides in x; long8 rs: the reduced blocks' strides in x.
// Indexing (2-D): x = output o, the row-major index over the kept blocks; y = slice z, which takes
// the reduced positions [z * chunk, (z + 1) * chunk). A work item divides o by the kept sizes and
// its first position by the reduced sizes once, then walks its slice with an odometer over the
// reduced blocks (one add per element, a carry now and then). With one slice it writes its
// position to where[o]; with several it writes its slice's winner to best[z * outputs + o] and
// the winner's position to where[z * outputs + o], and arg_combine picks among the slices.
// Positions are floats (exact below 2^24, as the SPI says).

#define KEPT_SIZES(g) {g.s2, g.s3, g.s4, g.s5, g.s6, g.s7, g.s8}
#define REDUCED_SIZES(g) {g.s9, g.sa, g.sb, g.sc, g.sd, g.se, g.sf}
#define STRIDES(v) {v.s0, v.s1, v.s2, v.s3, v.s4, v.s5, v.s6}

// Whether v, met after best, takes its place: a NaN best is final, a NaN v wins, otherwise only a
// strictly larger (ARGMAX) or smaller (ARGMIN) value, so ties keep the first position.
inline bool arg_takes(int op, float best, float v) {
  if (isnan(best)) return false;
  if (isnan(v)) return true;
  return op == RED_ARGMAX ? v > best : v < best;
}

__kernel void arg_reduce(int op, __global const float* x, int16 g, long8 ks, long8 rs,
                         int outputs, int chunk, int slices, __global float* best,
                         __global float* where) {
  const int o = get_global_id(0);
  const int z = get_global_id(1);
  if (o >= outputs || z >= slices) return;
  const int keptSize[7] = KEPT_SIZES(g);
  const int redSize[7] = REDUCED_SIZES(g);
  const long keptStride[7] = STRIDES(ks);
  const long redStride[7] = STRIDES(rs);
  long p = 0;
  int rest = o;
  for (int k = g.s0 - 1; k >= 0; k--) {
    p += (long)(rest % keptSize[k]) * keptStride[k];
    rest /= keptSize[k];
  }
  long length = 1;
  for (int k = 0; k < g.s1; k++) length *= redSize[k];
  const long rBegin = (long)z * chunk;
  const long rEnd = min(length, rBegin + chunk);
  int idx[7];
  long r = rBegin;
  for (int k = g.s1 - 1; k >= 0; k--) {
    idx[k] = (int)(r % redSize[k]);
    r /= redSize[k];
    p += idx[k] * redStride[k];
  }
  float b = x[p];
  long at = rBegin;
  for (long q = rBegin + 1; q < rEnd && !isnan(b); q++) {
    // The odometer: step the innermost reduced block, carrying into the outer ones.
    for (int k = g.s1 - 1; k >= 0; k--) {
      p += redStride[k];
      if (++idx[k] < redSize[k]) break;
      p -= redSize[k] * redStride[k];
      idx[k] = 0;
    }
    const float v = x[p];
    if (arg_takes(op, b, v)) {
      b = v;
      at = q;
    }
  }
  if (slices == 1) {
    where[o] = (float)at;
  } else {
    best[(long)z * outputs + o] = b;
    where[(long)z * outputs + o] = (float)at;
  }
}

// The slices' winners of arg_reduce folded in slice order, so the earliest of equal winners (and
// the first NaN) stays: out[o] = the position of the winner among best[z * outputs + o] over z.
// One work item per output o.
__kernel void arg_combine(int op, __global const float* best, __global const float* where,
                          int outputs, int slices, __global float* out) {
  const int o = get_global_id(0);
  if (o >= outputs) return;
  float b = best[o];
  float at = where[o];
  for (int z = 1; z < slices; z++) {
    const float v = best[(long)z * outputs + o];
    if (arg_takes(op, b, v)) {
      b = v;
      at = where[(long)z * outputs + o];
    }
  }
  out[o] = at;
}
