// Layer normalisation over the rows of x [rows, cols] (Backend.layerNormForward / Backward).
// Row kernels: one work group per row (group id = row; the host launches exactly rows groups, so
// every work item reaches every barrier). Its work items stride over the columns and add their
// partial sums in local memory, a tree of fixed order. The host picks the group size: a power of
// two up to LN_GROUP, the device's vector width on a CPU device.
#define LN_GROUP 256

// The sum of v over the work group, in every work item. part is free again on return.
inline float group_sum(float v, __local float* part) {
  const int lid = get_local_id(0);
  part[lid] = v;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int h = get_local_size(0) >> 1; h > 0; h >>= 1) {
    if (lid < h) part[lid] += part[lid + h];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  const float total = part[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return total;
}

// y = gamma * (x - mean) * rstd + beta, rstd = 1 / sqrt(biased variance + eps), with the mean
// and the variance in two passes (E[x^2] - E[x]^2 cancels); writes mean and rstd for the
// backward. x may be y: a work item reads element j in every pass before it writes it, and the
// other work items read it only before the barriers that precede the write.
__kernel void layer_norm_forward(__global const float* x, int cols, __global const float* gamma,
                                 __global const float* beta, int hasGamma, int hasBeta,
                                 float eps, __global float* y, __global float* mean,
                                 __global float* rstd) {
  __local float part[LN_GROUP];
  const int r = get_group_id(0);
  const int lid = get_local_id(0);
  const int step = get_local_size(0);
  const long base = (long)r * cols;
  float s = 0.0f;
  for (int j = lid; j < cols; j += step) s += x[base + j];
  const float mu = group_sum(s, part) / cols;
  float q = 0.0f;
  for (int j = lid; j < cols; j += step) {
    const float d = x[base + j] - mu;
    q += d * d;
  }
  const float inv = 1.0f / sqrt(group_sum(q, part) / cols + eps);
  for (int j = lid; j < cols; j += step) {
    float v = (x[base + j] - mu) * inv;
    if (hasGamma) v *= gamma[j];
    if (hasBeta) v += beta[j];
    y[base + j] = v;
  }
  if (lid == 0) {
    mean[r] = mu;
    rstd[r] = inv;
  }
}

// dx = rstd * (d - mean(d) - xhat * mean(d * xhat)) with d = dy * gamma (gamma absent: 1) and
// xhat = (x - mean) * rstd. dx may be dy, as in the forward.
__kernel void layer_norm_backward(__global const float* x, __global const float* dy, int cols,
                                  __global const float* mean, __global const float* rstd,
                                  __global const float* gamma, int hasGamma,
                                  __global float* dx) {
  __local float part[LN_GROUP];
  const int r = get_group_id(0);
  const int lid = get_local_id(0);
  const int step = get_local_size(0);
  const long base = (long)r * cols;
  const float mu = mean[r];
  const float inv = rstd[r];
  float sd = 0.0f, sdx = 0.0f;
  for (int j = lid; j < cols; j += step) {
    const float d = hasGamma ? dy[base + j] * gamma[j] : dy[base + j];
    sd += d;
    sdx += d * (x[base + j] - mu) * inv;
  }
  const float meanD = group_sum(sd, part) / cols;
  const float meanDx = group_sum(sdx, part) / cols;
  for (int j = lid; j < cols; j += step) {
    const float d = hasGamma ? dy[base + j] * gamma[j] : dy[base + j];
    const float xhat = (x[base + j] - mu) * inv;
    dx[base + j] = inv * (d - meanD - xhat * meanDx);
  }
}

// The parameter gradients' partial column sums, as bn_backward_sums: work item (x = column c,
// y = slice z) covers rows [z * chunk, (z + 1) * chunk) and writes sumDyXhat[z, c] (dGamma) and
// sumDy[z, c] (dBeta); the host folds the slices with reduce_middle.
__kernel void layer_norm_param_sums(__global const float* x, __global const float* dy, int rows,
                                    int cols, int chunk, int slices, __global const float* mean,
                                    __global const float* rstd, __global float* sumDyXhat,
                                    __global float* sumDy) {
  const int c = get_global_id(0);
  const int z = get_global_id(1);
  if (c >= cols || z >= slices) return;
  const int rBegin = min(rows, z * chunk), rEnd = min(rows, rBegin + chunk);
  float s = 0.0f, sx = 0.0f;
  for (int r = rBegin; r < rEnd; r++) {
    const long i = (long)r * cols + c;
    const float g = dy[i];
    s += g;
    sx += g * (x[i] - mean[r]) * rstd[r];
  }
  sumDyXhat[(long)z * cols + c] = sx;
  sumDy[(long)z * cols + c] = s;
}
