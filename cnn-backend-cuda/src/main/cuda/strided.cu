// Copies and broadcasting binary ops between strided views (org.cnn4j.spi.StridedView). The host
// (StridedPlan) first drops axes of size 1 and merges neighbouring axes that are contiguous in
// every view, so a concatenation, slice or pad becomes a few long rows, then passes a
// StridedGeom (outer axes, inner length, rows, the outer sizes outermost first) and a ViewGeom per
// view (outer strides, offset, inner stride). The host checks that a view has fewer than 2^31
// elements, so element and row indices are 32-bit; positions are 64-bit.
// Indexing: grid-stride over the row-major index idx = row * len + j; a thread divides row by
// the outer sizes (the outermost takes the quotient, so k outer axes cost k - 1 divisions). With
// the inner stride 1, consecutive threads touch consecutive addresses.
#include "common.cuh"

struct StridedGeom {
  int outer, len, rows;
  int size[5];
  int unused[8];
};

struct ViewGeom {
  long long stride[5];
  long long unused;
  long long offset;
  long long inner;
};

// The position of element (row, j) in view v.
__device__ __forceinline__ long long view_position(const StridedGeom& g, const ViewGeom& v,
                                                   int row, int j) {
  long long p = v.offset + (long long)j * v.inner;
  for (int k = g.outer - 1; k >= 1; k--) {
    const int i = row % g.size[k];
    row /= g.size[k];
    p += (long long)i * v.stride[k];
  }
  if (g.outer > 0) p += (long long)row * v.stride[0];
  return p;
}

// dst[to] = src[from]. The destination never repeats an element (the host checks), so no two
// threads write one address.
extern "C" __global__ void copy_strided(const float* __restrict__ src, ViewGeom from,
                                        float* __restrict__ dst, ViewGeom to, StridedGeom g) {
  const long long total = (long long)g.rows * g.len;
  GRID_STRIDE_LOOP(idx, total) {
    const int row = (int)(idx / g.len);
    const int j = (int)(idx - (long long)row * g.len);
    dst[view_position(g, to, row, j)] = src[view_position(g, from, row, j)];
  }
}

// out[ov] = a[av] op b[bv] (binary_apply, scalar_ops.h); a stride 0 repeats an operand along its
// axis (broadcasting). out is the contiguous view the host built from outOffset.
extern "C" __global__ void binary_broadcast(int op, const float* __restrict__ a, ViewGeom av,
                                            const float* __restrict__ b, ViewGeom bv,
                                            float* __restrict__ out, ViewGeom ov, StridedGeom g) {
  const long long total = (long long)g.rows * g.len;
  GRID_STRIDE_LOOP(idx, total) {
    const int row = (int)(idx / g.len);
    const int j = (int)(idx - (long long)row * g.len);
    out[view_position(g, ov, row, j)] =
        binary_apply(op, a[view_position(g, av, row, j)], b[view_position(g, bv, row, j)]);
  }
}
