// Shared helpers of the cnn4j CUDA kernels. Every family file includes this; kernels.cu includes
// every family file, so the whole set is one translation unit and one module (cnn4j.fatbin).
//
// Conventions: buffers are float32; the host applies element offsets to the pointers it passes;
// one-dimensional kernels use a grid-stride loop over i < n (64-bit), so the host may cap the
// grid; sizes that the SPI gives as int stay int.
#pragma once

#define GRID_STRIDE_LOOP(i, n) \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
       i += (long long)blockDim.x * gridDim.x)

// Must match org.cnn4j.spi.ActivationKind's ordinal order.
#define ACT_LINEAR 0
#define ACT_RELU 1
#define ACT_SIGMOID 2
#define ACT_TANH 3
#define ACT_LEAKY_RELU 4

__device__ __forceinline__ float activate(int kind, float alpha, float v) {
  switch (kind) {
    // v < 0, not v > 0: NaN passes through, as in Keras (a NaN weight must not give a finite loss).
    case ACT_RELU: return v < 0.0f ? 0.0f : v;
    // expf(-v) overflows to +inf for very negative v, giving exactly 0: no NaN.
    case ACT_SIGMOID: return 1.0f / (1.0f + expf(-v));
    case ACT_TANH: return tanhf(v);
    case ACT_LEAKY_RELU: return v > 0.0f ? v : alpha * v;
    default: return v;
  }
}

// dy * f'(.): ReLU kinds read the forward input x, sigmoid and tanh the forward output y.
__device__ __forceinline__ float activate_grad(int kind, float alpha, float x, float y, float g) {
  switch (kind) {
    case ACT_RELU: return x > 0.0f ? g : 0.0f;
    case ACT_SIGMOID: return g * y * (1.0f - y);
    case ACT_TANH: return g * (1.0f - y * y);
    case ACT_LEAKY_RELU: return x > 0.0f ? g : alpha * g;
    default: return g;
  }
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// The sum over threadIdx.y of each column of a (blockDim.x, blockDim.y) block, both powers of two
// with blockDim.x * blockDim.y <= 256; valid in the threads with threadIdx.y == 0. The tree's
// order is fixed, so results do not depend on scheduling.
__device__ __forceinline__ float block_column_sum(float s, float* part) {
  const int tx = threadIdx.x, ty = threadIdx.y, bx = blockDim.x;
  part[ty * bx + tx] = s;
  __syncthreads();
  for (int h = blockDim.y >> 1; h > 0; h >>= 1) {
    if (ty < h) part[ty * bx + tx] += part[(ty + h) * bx + tx];
    __syncthreads();
  }
  return part[tx];
}
