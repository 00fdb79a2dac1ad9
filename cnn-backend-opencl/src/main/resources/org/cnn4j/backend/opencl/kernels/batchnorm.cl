// Batch normalisation over x [rows, cols] (NHWC flattened: rows = n * h * w, cols = channels).
// Column sums are computed in slices as reduce_middle does: work item (x = column, y = slice z)
// covers rows [z * chunk, (z + 1) * chunk) and writes partial [z, column]; the host folds the
// partials with reduce_middle. Element-wise kernels use one work item per element,
// idx = row * cols + column.

// partial[z, c] = sum over the slice's rows of (x[r, c] - mean[c])^2.
__kernel void bn_square_deviation(__global const float* x, int rows, int cols, int chunk,
                                  int slices, __global const float* mean,
                                  __global float* partial) {
  const int c = get_global_id(0);
  const int z = get_global_id(1);
  if (c >= cols || z >= slices) return;
  const int rBegin = min(rows, z * chunk), rEnd = min(rows, rBegin + chunk);
  const float mu = mean[c];
  float s = 0.0f;
  for (int r = rBegin; r < rEnd; r++) {
    const float d = x[(long)r * cols + c] - mu;
    s += d * d;
  }
  partial[(long)z * cols + c] = s;
}

__kernel void bn_apply(__global const float* x, int rows, int cols, __global const float* mean,
                       __global const float* variance, __global const float* gamma,
                       __global const float* beta, float eps, __global float* y) {
  const long idx = get_global_id(0);
  if (idx >= (long)rows * cols) return;
  const int c = (int)(idx % cols);
  y[idx] = gamma[c] * (x[idx] - mean[c]) / sqrt(variance[c] + eps) + beta[c];
}

// sumDy[z, c] = sum dy; sumDyXhat[z, c] = sum dy * xhat over the slice's rows.
__kernel void bn_backward_sums(__global const float* x, __global const float* dy, int rows,
                               int cols, int chunk, int slices, __global const float* mean,
                               __global const float* variance, float eps,
                               __global float* sumDy, __global float* sumDyXhat) {
  const int c = get_global_id(0);
  const int z = get_global_id(1);
  if (c >= cols || z >= slices) return;
  const int rBegin = min(rows, z * chunk), rEnd = min(rows, rBegin + chunk);
  const float mu = mean[c];
  const float invStd = 1.0f / sqrt(variance[c] + eps);
  float s = 0.0f, sx = 0.0f;
  for (int r = rBegin; r < rEnd; r++) {
    const long i = (long)r * cols + c;
    const float g = dy[i];
    s += g;
    sx += g * (x[i] - mu) * invStd;
  }
  sumDy[(long)z * cols + c] = s;
  sumDyXhat[(long)z * cols + c] = sx;
}

// dx = gamma * invStd / N * (N * dy - dBeta - xhat * dGamma), the training-mode gradient.
__kernel void bn_backward_dx(__global const float* x, __global const float* dy, int rows,
                             int cols, __global const float* mean,
                             __global const float* variance, __global const float* gamma,
                             float eps, __global const float* dGamma,
                             __global const float* dBeta, __global float* dx) {
  const long idx = get_global_id(0);
  if (idx >= (long)rows * cols) return;
  const int c = (int)(idx % cols);
  const float invStd = 1.0f / sqrt(variance[c] + eps);
  const float xhat = (x[idx] - mean[c]) * invStd;
  dx[idx] = gamma[c] * invStd / rows * (rows * dy[idx] - dBeta[c] - xhat * dGamma[c]);
}
