// Register-blocked SGEMM, row-major: C = alpha * op(A) * op(B) + beta * C.
//
// Indexing: work item (x, y, z) computes the TM x TN (8 x 8 by default) tile of C whose top-left corner is
// (row y * TM, column x * TN), summing p over slice z of k: [z * kChunk, (z + 1) * kChunk).
// With one slice (z = 0 only) it writes C itself; with several (split-K, used when m * n has too
// few tiles to fill the device) each slice writes alpha = 1, beta = 0 partial sums to
// C + z * cSlice and gemm_splitk_reduce folds them. The tile's accumulators live in registers
// (TM float8), so each loaded A value is used 8 times and each B row vector TM times;
// on CPU devices this beats local-memory tiling several times over.
//
// Edge tiles clamp their row and column indices to the last valid one, so every load stays in
// bounds and the inner loops need no branches; stores are guarded. With beta == 0, C is never
// read, so NaN there cannot propagate.
//
// The transposes are compile-time options (-D TRANS_A=0/1 -D TRANS_B=0/1): the host builds one
// program per combination, which keeps the inner loops free of run-time branches.

#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif

// Rows per work item: a build option so the host can pick it per device (default 8).
#ifndef TM
#define TM 8
#endif
#define TN 8

// Writes one row of the tile: alpha * acc (+ beta * C when beta != 0), guarded at the edges.
inline void store_row(__global float* c, int row, int m, int col0, int n, int ldc, float alpha,
                      float beta, float8 acc) {
  if (row >= m) return;
  __global float* cr = c + (long)row * ldc + col0;
  if (col0 + TN <= n) {
    float8 r = alpha * acc;
    if (beta != 0.0f) r = mad((float8)(beta), vload8(0, cr), r);
    vstore8(r, 0, cr);
  } else {
    float t[TN];
    vstore8(acc, 0, t);
    for (int j = 0; j < n - col0; j++) {
      cr[j] = beta != 0.0f ? alpha * t[j] + beta * cr[j] : alpha * t[j];
    }
  }
}

// One k step: load the TM values of op(A) in column p (rows clamped), then accumulate them times
// the row vector bv of op(B). The loops have constant trip counts and unroll into registers.
#if TRANS_A
// A is stored [k, lda]: op(A)(r, p) = a[p * lda + r].
#define A_SETUP const __global float* ap = a + (long)pBegin * lda;
#define A_STEP(bv) \
  _Pragma("unroll") for (int i = 0; i < TM; i++) acc[i] = mad((float8)(ap[rows[i]]), bv, acc[i]); \
  ap += lda;
#else
// A is stored [m, lda]: op(A)(r, p) = a[r * lda + p]; one running pointer per row.
#define A_SETUP \
  const __global float* ap[TM]; \
  _Pragma("unroll") for (int i = 0; i < TM; i++) ap[i] = a + (long)rows[i] * lda + pBegin;
#define A_STEP(bv) \
  _Pragma("unroll") for (int i = 0; i < TM; i++) acc[i] = mad((float8)(*ap[i]++), bv, acc[i]);
#endif

__kernel void gemm_tile(int m, int n, int k, int kChunk, float alpha,
                        __global const float* A, long aOff, int lda,
                        __global const float* B, long bOff, int ldb,
                        float beta, __global float* C, long cOff, int ldc, long cSlice) {
  const int col0 = get_global_id(0) * TN;
  const int row0 = get_global_id(1) * TM;
  const int slice = get_global_id(2);
  if (row0 >= m || col0 >= n) return;
  const int pBegin = min(k, slice * kChunk);
  const int pEnd = min(k, pBegin + kChunk);
  const __global float* a = A + aOff;
  const __global float* b = B + bOff;
  int rows[TM];
  float8 acc[TM];
  _Pragma("unroll") for (int i = 0; i < TM; i++) {
    rows[i] = min(row0 + i, m - 1);
    acc[i] = (float8)(0.0f);
  }
  A_SETUP

#if TRANS_B
  // B is stored [n, ldb]: op(B)(p, c) = b[c * ldb + p]; one pointer per (clamped) column.
  const __global float* bp[TN];
  _Pragma("unroll") for (int j = 0; j < TN; j++) {
    bp[j] = b + (long)min(col0 + j, n - 1) * ldb + pBegin;
  }
  for (int p = pBegin; p < pEnd; p++) {
    float8 bv = (float8)(*bp[0]++, *bp[1]++, *bp[2]++, *bp[3]++, *bp[4]++, *bp[5]++, *bp[6]++,
                         *bp[7]++);
    A_STEP(bv)
  }
#else
  // B is stored [k, ldb]: op(B)(p, c) = b[p * ldb + c]; a full tile reads one float8 per row.
  const __global float* bp = b + (long)pBegin * ldb + col0;
  if (col0 + TN <= n) {
    for (int p = pBegin; p < pEnd; p++) {
      float8 bv = vload8(0, bp);
      bp += ldb;
      A_STEP(bv)
    }
  } else {
    const int last = n - 1 - col0;
    const int o1 = min(1, last), o2 = min(2, last), o3 = min(3, last), o4 = min(4, last),
              o5 = min(5, last), o6 = min(6, last), o7 = min(7, last);
    for (int p = pBegin; p < pEnd; p++) {
      float8 bv = (float8)(bp[0], bp[o1], bp[o2], bp[o3], bp[o4], bp[o5], bp[o6], bp[o7]);
      bp += ldb;
      A_STEP(bv)
    }
  }
#endif

  __global float* c = C + cOff + slice * cSlice;
  _Pragma("unroll") for (int i = 0; i < TM; i++) {
    store_row(c, row0 + i, m, col0, n, ldc, alpha, beta, acc[i]);
  }
}

// Folds split-K partial sums. Indexing: work item (x, y) owns C(row y, column x); the partials
// are [slices, m, n], contiguous.
__kernel void gemm_splitk_reduce(int m, int n, int slices, __global const float* partial,
                                 float alpha, float beta, __global float* C, long cOff, int ldc) {
  const int col = get_global_id(0);
  const int row = get_global_id(1);
  if (row >= m || col >= n) return;
  const long plane = (long)m * n;
  const __global float* p = partial + (long)row * n + col;
  float s = 0.0f;
  for (int z = 0; z < slices; z++) s += p[z * plane];
  __global float* c = C + cOff + (long)row * ldc + col;
  *c = beta != 0.0f ? alpha * s + beta * *c : alpha * s;
}

// dst = src^T: src is [rows, ld] from srcOff, dst is [cols, rows] contiguous. Indexing: work item
// (x, y) moves src(row y, column x), so reads are contiguous. Used to turn a transposed B into a
// plain one when m is large enough for the faster row-vector loads to repay the copy.
__kernel void transpose(__global const float* src, long srcOff, int ld, int rows, int cols,
                        __global float* dst) {
  const int c = get_global_id(0);
  const int r = get_global_id(1);
  if (r >= rows || c >= cols) return;
  dst[(long)c * rows + r] = src[srcOff + (long)r * ld + c];
}
