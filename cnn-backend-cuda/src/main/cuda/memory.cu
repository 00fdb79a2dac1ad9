// Memory kernels. Indexing: grid-stride loop, one element per step. (Fill of a float value uses
// cuMemsetD32Async on the host; this kernel exists for the strided copy a GEMM fallback needs.)
#include "common.cuh"

// dst[c * rows + r] = src[r * ld + c]: src is [rows, ld], dst [cols, rows] contiguous.
// Indexing: 2-D grid of 32 x 8 blocks over (c, r); reads are coalesced along c.
extern "C" __global__ void transpose(const float* __restrict__ src, int ld, int rows, int cols,
                                     float* __restrict__ dst) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  const int r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) dst[(long long)c * rows + r] = src[(long long)r * ld + c];
}
