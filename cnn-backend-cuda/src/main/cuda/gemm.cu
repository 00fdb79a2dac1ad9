// Shared-memory tiled, register-blocked SGEMM, row-major: C = alpha * op(A) * op(B) + beta * C.
//
// Indexing: block (x, y, z) computes the BM x BN tile of C whose top-left corner is
// (row x * BM, column y * BN) (rows on x, whose grid limit is 2^31 - 1: a pointwise convolution
// over a large batch has millions of rows), summing p over slice z of k: [z * kChunk, (z + 1) * kChunk).
// Thread t of the block is (tr = t / (BN / TN), tc = t % (BN / TN)) and owns the TM x TN
// elements at rows tr + i * (BM / TM) and columns tc + j * (BN / TN): strided rather than
// contiguous, so a warp reads consecutive shared-memory words (no bank conflicts) and stores
// consecutive columns of C (coalesced).
//
// Each k step of BK values loads an A tile (BK x BM, stored p-major) and a B tile (BK x BN) into
// shared memory; out-of-range elements load as 0, so the inner loop has no branches. The
// transposes are template parameters: the load loops pick the coalesced order of each layout.
//
// With one slice (gridDim.z == 1) the block writes C itself. With several (split-K, chosen by
// the host when m * n has too few tiles to fill the GPU) each slice writes alpha = 1, beta = 0
// partial sums to C + z * cSlice (a scratch buffer, ldc = n) and gemm_splitk_reduce folds them.
// With beta == 0, C is never read, so NaN there cannot propagate.
#include "common.cuh"

template <bool TA, bool TB, int BM, int BN, int BK, int TM, int TN>
__device__ __forceinline__ void gemm_body(int m, int n, int k, int kChunk, float alpha,
                                          const float* __restrict__ A, int lda,
                                          const float* __restrict__ B, int ldb, float beta,
                                          float* C, int ldc, long long cSlice) {
  constexpr int THREADS = (BM / TM) * (BN / TN);
  constexpr int RS = BM / TM;  // row stride between a thread's rows
  constexpr int CS = BN / TN;  // column stride between a thread's columns
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN + 4];

  const int t = threadIdx.x;
  const int tr = t / CS, tc = t % CS;
  const int row0 = blockIdx.x * BM, col0 = blockIdx.y * BN;
  const int pBegin = min(k, (int)blockIdx.z * kChunk);
  const int pEnd = min(k, pBegin + kChunk);

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN; j++) acc[i][j] = 0.0f;

  for (int p0 = pBegin; p0 < pEnd; p0 += BK) {
    // op(A)(r, p): A[r * lda + p], or A[p * lda + r] when transposed.
#pragma unroll
    for (int e = t; e < BM * BK; e += THREADS) {
      int r, p;
      if (TA) { p = e / BM; r = e % BM; } else { r = e / BK; p = e % BK; }
      const int gr = row0 + r, gp = p0 + p;
      float v = 0.0f;
      if (gr < m && gp < pEnd) v = TA ? A[(long long)gp * lda + gr] : A[(long long)gr * lda + gp];
      As[p][r] = v;
    }
    // op(B)(p, c): B[p * ldb + c], or B[c * ldb + p] when transposed.
#pragma unroll
    for (int e = t; e < BN * BK; e += THREADS) {
      int c, p;
      if (TB) { c = e / BK; p = e % BK; } else { p = e / BN; c = e % BN; }
      const int gc = col0 + c, gp = p0 + p;
      float v = 0.0f;
      if (gc < n && gp < pEnd) v = TB ? B[(long long)gc * ldb + gp] : B[(long long)gp * ldb + gc];
      Bs[p][c] = v;
    }
    __syncthreads();
#pragma unroll
    for (int p = 0; p < BK; p++) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; i++) a[i] = As[p][tr + i * RS];
#pragma unroll
      for (int j = 0; j < TN; j++) b[j] = Bs[p][tc + j * CS];
#pragma unroll
      for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

  float* c = C + blockIdx.z * cSlice;
#pragma unroll
  for (int i = 0; i < TM; i++) {
    const int r = row0 + tr + i * RS;
    if (r >= m) continue;
    float* cr = c + (long long)r * ldc;
#pragma unroll
    for (int j = 0; j < TN; j++) {
      const int col = col0 + tc + j * CS;
      if (col >= n) continue;
      const float v = alpha * acc[i][j];
      cr[col] = beta != 0.0f ? v + beta * cr[col] : v;
    }
  }
}

#define GEMM_ARGS                                                                          \
  int m, int n, int k, int kChunk, float alpha, const float* __restrict__ A, int lda,      \
      const float* __restrict__ B, int ldb, float beta, float* C, int ldc, long long cSlice
#define GEMM_PASS m, n, k, kChunk, alpha, A, lda, B, ldb, beta, C, ldc, cSlice

// Large tiles (128 x 128, 8 x 8 per thread, 256 threads) for big products; small tiles
// (64 x 64, 4 x 4 per thread, 256 threads) when large ones would leave SMs idle.
#define GEMM_ENTRY(name, TA, TB, BM, BN, BK, TM, TN)                                         \
  extern "C" __global__ void __launch_bounds__((BM / TM) * (BN / TN)) name(GEMM_ARGS) {      \
    gemm_body<TA, TB, BM, BN, BK, TM, TN>(GEMM_PASS);                                        \
  }

GEMM_ENTRY(gemm_nn_large, false, false, 128, 128, 8, 8, 8)
GEMM_ENTRY(gemm_nt_large, false, true, 128, 128, 8, 8, 8)
GEMM_ENTRY(gemm_tn_large, true, false, 128, 128, 8, 8, 8)
GEMM_ENTRY(gemm_tt_large, true, true, 128, 128, 8, 8, 8)
GEMM_ENTRY(gemm_nn_small, false, false, 64, 64, 16, 4, 4)
GEMM_ENTRY(gemm_nt_small, false, true, 64, 64, 16, 4, 4)
GEMM_ENTRY(gemm_tn_small, true, false, 64, 64, 16, 4, 4)
GEMM_ENTRY(gemm_tt_small, true, true, 64, 64, 16, 4, 4)

// Folds split-K partials [slices, m, n] into C: C = alpha * sum + beta * C (C not read when
// beta == 0). Indexing: grid-stride loop over idx = row * n + col; the slice order is fixed, so
// the result does not depend on scheduling.
extern "C" __global__ void gemm_splitk_reduce(const float* __restrict__ partial, int slices,
                                              int m, int n, float alpha, float beta, float* C,
                                              int ldc) {
  const long long plane = (long long)m * n;
  GRID_STRIDE_LOOP(idx, plane) {
    const int row = (int)(idx / n), col = (int)(idx % n);
    float s = 0.0f;
    for (int z = 0; z < slices; z++) s += partial[z * plane + idx];
    float* c = C + (long long)row * ldc + col;
    *c = beta != 0.0f ? alpha * s + beta * *c : alpha * s;
  }
}
