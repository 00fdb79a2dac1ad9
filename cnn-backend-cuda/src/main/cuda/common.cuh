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

// The activations, unary and binary ops and their gradients (act_apply, act_grad, unary_apply,
// unary_grad, binary_apply, binary_grad) and their ACT_, UOP_ and OP_ constants: one source shared
// with the OpenCL backend, in cnn-backend-opencl's kernel resources (nvcc's include path).
#include "scalar_ops.h"

// Row kernels: one warp per row (row = global warp index, grid-stride), lane j handles columns
// j, j + 32, ...; a lane reads each of its elements before writing it, so outputs may alias
// inputs.
#define FOR_EACH_ROW(r, rows)                                                               \
  for (int r = (int)((blockIdx.x * (long long)blockDim.x + threadIdx.x) >> 5); r < (rows); \
       r += (int)((gridDim.x * (long long)blockDim.x) >> 5))

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
