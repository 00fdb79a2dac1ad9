// Batch normalisation over x [rows, cols] (NHWC flattened: rows = n * h * w, cols = channels).
// Column sums use reduce_middle's scheme (see reduce.cu): block (bx, z) covers columns
// bx * blockDim.x + threadIdx.x and rows [z * chunk, (z + 1) * chunk), threadIdx.y striding; it
// writes partial [z, column], which the host folds with reduce_middle. Element-wise kernels are
// grid-stride loops over idx = row * cols + column.
#include "common.cuh"

// partial[z, c] = sum over the slice's rows of (x[r, c] - mean[c])^2 (two passes, rather than
// E[x^2] - E[x]^2, which cancels).
extern "C" __global__ void bn_square_deviation(const float* __restrict__ x, int rows, int cols,
                                               int chunk, const float* __restrict__ mean,
                                               float* __restrict__ partial) {
  __shared__ float part[256];
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  const int z = blockIdx.y;
  const int rBegin = min(rows, z * chunk), rEnd = min(rows, rBegin + chunk);
  float s = 0.0f;
  if (c < cols) {
    const float mu = mean[c];
    for (int r = rBegin + threadIdx.y; r < rEnd; r += blockDim.y) {
      const float d = x[(long long)r * cols + c] - mu;
      s += d * d;
    }
  }
  s = block_column_sum(s, part);
  if (threadIdx.y == 0 && c < cols) partial[(long long)z * cols + c] = s;
}

extern "C" __global__ void bn_apply(const float* x, int cols, const float* __restrict__ mean,
                                    const float* __restrict__ variance,
                                    const float* __restrict__ gamma,
                                    const float* __restrict__ beta, float eps, float* y,
                                    long long total) {
  GRID_STRIDE_LOOP(idx, total) {
    const int c = (int)(idx % cols);
    y[idx] = gamma[c] * (x[idx] - mean[c]) / sqrtf(variance[c] + eps) + beta[c];
  }
}

// sumDy[z, c] = sum dy; sumDyXhat[z, c] = sum dy * xhat over the slice's rows.
extern "C" __global__ void bn_backward_sums(const float* __restrict__ x,
                                            const float* __restrict__ dy, int rows, int cols,
                                            int chunk, const float* __restrict__ mean,
                                            const float* __restrict__ variance, float eps,
                                            float* __restrict__ sumDy,
                                            float* __restrict__ sumDyXhat) {
  __shared__ float part[256];
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  const int z = blockIdx.y;
  const int rBegin = min(rows, z * chunk), rEnd = min(rows, rBegin + chunk);
  float s = 0.0f, sx = 0.0f;
  if (c < cols) {
    const float mu = mean[c];
    const float invStd = 1.0f / sqrtf(variance[c] + eps);
    for (int r = rBegin + threadIdx.y; r < rEnd; r += blockDim.y) {
      const long long i = (long long)r * cols + c;
      const float g = dy[i];
      s += g;
      sx += g * (x[i] - mu) * invStd;
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

// dx = gamma * invStd / N * (N * dy - dBeta - xhat * dGamma), the training-mode gradient.
extern "C" __global__ void bn_backward_dx(const float* x, const float* dy, int rows, int cols,
                                          const float* __restrict__ mean,
                                          const float* __restrict__ variance,
                                          const float* __restrict__ gamma, float eps,
                                          const float* __restrict__ dGamma,
                                          const float* __restrict__ dBeta, float* dx,
                                          long long total) {
  GRID_STRIDE_LOOP(idx, total) {
    const int c = (int)(idx % cols);
    const float invStd = 1.0f / sqrtf(variance[c] + eps);
    const float xhat = (x[idx] - mean[c]) * invStd;
    dx[idx] = gamma[c] * invStd / rows * (rows * dy[idx] - dBeta[c] - xhat * dGamma[c]);
  }
}
