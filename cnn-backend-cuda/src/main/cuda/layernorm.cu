// Layer normalisation over the rows of x [rows, cols] (Backend.layerNormForward / Backward).
// Row kernels: FOR_EACH_ROW (common.cuh), one warp per row, lane j taking columns j, j + 32, ...
// and warp_sum adding the lanes' partial sums in a fixed order. Parameter gradients: column sums
// in slices, as bn_backward_sums.
#include "common.cuh"

// y = gamma * (x - mean) * rstd + beta, rstd = 1 / sqrt(biased variance + eps), with the mean and
// the variance in two passes (E[x^2] - E[x]^2 cancels); writes mean and rstd for the backward.
// hasGamma / hasBeta = 0: that parameter is absent (the host passes x). x may be y: a lane reads
// element j in every pass before it writes it, and no other lane touches it.
extern "C" __global__ void layer_norm_forward(const float* x, int rows, int cols,
                                              const float* __restrict__ gamma,
                                              const float* __restrict__ beta, int hasGamma,
                                              int hasBeta, float eps, float* y,
                                              float* __restrict__ mean,
                                              float* __restrict__ rstd) {
  const int lane = threadIdx.x & 31;
  FOR_EACH_ROW(r, rows) {
    const float* xr = x + (long long)r * cols;
    float* yr = y + (long long)r * cols;
    float s = 0.0f;
    for (int j = lane; j < cols; j += 32) s += xr[j];
    const float mu = warp_sum(s) / cols;
    float q = 0.0f;
    for (int j = lane; j < cols; j += 32) {
      const float d = xr[j] - mu;
      q += d * d;
    }
    const float inv = 1.0f / sqrtf(warp_sum(q) / cols + eps);
    for (int j = lane; j < cols; j += 32) {
      float v = (xr[j] - mu) * inv;
      if (hasGamma) v *= gamma[j];
      if (hasBeta) v += beta[j];
      yr[j] = v;
    }
    if (lane == 0) {
      mean[r] = mu;
      rstd[r] = inv;
    }
  }
}

// dx = rstd * (d - mean(d) - xhat * mean(d * xhat)) with d = dy * gamma (hasGamma = 0: gamma is
// 1 and the host passes x) and xhat = (x - mean) * rstd. dx may be dy, as in the forward.
extern "C" __global__ void layer_norm_backward(const float* x, const float* dy, int rows, int cols,
                                               const float* __restrict__ mean,
                                               const float* __restrict__ rstd,
                                               const float* __restrict__ gamma, int hasGamma,
                                               float* dx) {
  const int lane = threadIdx.x & 31;
  FOR_EACH_ROW(r, rows) {
    const long long base = (long long)r * cols;
    const float mu = mean[r];
    const float inv = rstd[r];
    float sd = 0.0f, sdx = 0.0f;
    for (int j = lane; j < cols; j += 32) {
      const float d = hasGamma ? dy[base + j] * gamma[j] : dy[base + j];
      sd += d;
      sdx += d * (x[base + j] - mu) * inv;
    }
    const float meanD = warp_sum(sd) / cols;
    const float meanDx = warp_sum(sdx) / cols;
    for (int j = lane; j < cols; j += 32) {
      const float d = hasGamma ? dy[base + j] * gamma[j] : dy[base + j];
      const float xhat = (x[base + j] - mu) * inv;
      dx[base + j] = inv * (d - meanD - xhat * meanDx);
    }
  }
}

// sumDyXhat[z, c] (dGamma's partials) and sumDy[z, c] (dBeta's) over the rows of slice z.
// Indexing: block (bx, z) covers columns bx * blockDim.x + threadIdx.x and rows
// [z * chunk, (z + 1) * chunk), its threadIdx.y rows striding by blockDim.y (reads coalesced
// along the columns); the host folds the slices with reduce_middle.
extern "C" __global__ void layer_norm_param_sums(const float* __restrict__ x,
                                                 const float* __restrict__ dy, int rows, int cols,
                                                 int chunk, const float* __restrict__ mean,
                                                 const float* __restrict__ rstd,
                                                 float* __restrict__ sumDyXhat,
                                                 float* __restrict__ sumDy) {
  __shared__ float part[256];
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  const int z = blockIdx.y;
  const int rBegin = min(rows, z * chunk), rEnd = min(rows, rBegin + chunk);
  float s = 0.0f, sx = 0.0f;
  if (c < cols) {
    for (int r = rBegin + threadIdx.y; r < rEnd; r += blockDim.y) {
      const long long i = (long long)r * cols + c;
      const float g = dy[i];
      s += g;
      sx += g * (x[i] - mean[r]) * rstd[r];
    }
  }
  s = block_column_sum(s, part);
  __syncthreads();
  sx = block_column_sum(sx, part);
  if (threadIdx.y == 0 && c < cols) {
    sumDy[(long long)z * cols + c] = s;
    sumDyXhat[(long long)z * cols + c] = sx;
  }
}
