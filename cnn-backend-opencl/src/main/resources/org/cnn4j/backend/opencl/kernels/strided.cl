// Copies and broadcasting binary ops between strided views (org.cnn4j.spi.StridedView). The host
// (StridedPlan) first drops axes of size 1 and merges neighbouring axes that are contiguous in
// every view, so a concatenation, slice or pad becomes a few long rows, then passes:
//   int16 g:  s0 = outer axes (0 to 5), s1 = inner length, s2 = rows (product of the outer
//             sizes), s3..s7 = the outer sizes, outermost first, s8 = chunk;
//   long8 v:  s0..s4 = the outer strides, s6 = offset, s7 = the inner stride (per view).
// Indexing (2-D): x = chunk of the inner axis (elements [x * chunk, (x + 1) * chunk)), y = row,
// the row-major index over the outer axes. A work item finds its row's start by dividing the row
// index by the outer sizes (the outermost takes the quotient, so k outer axes cost k - 1
// divisions), then walks its chunk by the inner strides. On a GPU the chunk is 1, so
// neighbouring work items touch neighbouring addresses; on a CPU device it is long, so the
// divisions are paid once per run of elements rather than per element.

#include "scalar_ops.h"

// The outer sizes of g and the outer strides of a view as private arrays (vectors passed to a
// function by value would change the ABI on CPUs without AVX-512).
#define SIZES(g) {g.s3, g.s4, g.s5, g.s6, g.s7}
#define OUTER_STRIDES(v) {v.s0, v.s1, v.s2, v.s3, v.s4}

// Adds to *p the offset of row `row` in a view with those outer strides: the outermost axis takes
// the quotient, the others the remainders.
inline void row_offsets(int outer, const int* sizes, int row, const long* s0, const long* s1,
                        const long* s2, long* p0, long* p1, long* p2) {
  for (int k = outer - 1; k >= 1; k--) {
    const int i = row % sizes[k];
    row /= sizes[k];
    *p0 += i * s0[k];
    *p1 += i * s1[k];
    *p2 += i * s2[k];
  }
  if (outer > 0) {
    *p0 += row * s0[0];
    *p1 += row * s1[0];
    *p2 += row * s2[0];
  }
}

// dst[to] = src[from]. The destination never repeats an element (the host checks), so no two
// work items write one address.
__kernel void copy_strided(__global const float* src, long8 from, __global float* dst, long8 to,
                           int16 g) {
  const int jBegin = get_global_id(0) * g.s8;
  const int row = get_global_id(1);
  if (jBegin >= g.s1 || row >= g.s2) return;
  const int count = min(g.s1 - jBegin, g.s8);
  const int sizes[5] = SIZES(g);
  const long fs[5] = OUTER_STRIDES(from);
  const long ts[5] = OUTER_STRIDES(to);
  long ps = from.s6, pd = to.s6, unused = 0;
  row_offsets(g.s0, sizes, row, fs, ts, ts, &ps, &pd, &unused);
  const __global float* s = src + ps + jBegin * from.s7;
  __global float* d = dst + pd + jBegin * to.s7;
  if (from.s7 == 1 && to.s7 == 1) {
    for (int j = 0; j < count; j++) d[j] = s[j];
  } else {
    for (int j = 0; j < count; j++, s += from.s7, d += to.s7) *d = *s;
  }
}

// out[ov] = a[av] op b[bv] (binary_apply, scalar_ops.h); a stride 0 repeats an operand along its
// axis (broadcasting). out is the contiguous view the host built from outOffset.
__kernel void binary_broadcast(int op, __global const float* a, long8 av, __global const float* b,
                               long8 bv, __global float* out, long8 ov, int16 g) {
  const int jBegin = get_global_id(0) * g.s8;
  const int row = get_global_id(1);
  if (jBegin >= g.s1 || row >= g.s2) return;
  const int count = min(g.s1 - jBegin, g.s8);
  const int sizes[5] = SIZES(g);
  const long as[5] = OUTER_STRIDES(av);
  const long bs[5] = OUTER_STRIDES(bv);
  const long os[5] = OUTER_STRIDES(ov);
  long pa = av.s6, pb = bv.s6, po = ov.s6;
  row_offsets(g.s0, sizes, row, as, bs, os, &pa, &pb, &po);
  const __global float* pA = a + pa + jBegin * av.s7;
  const __global float* pB = b + pb + jBegin * bv.s7;
  __global float* pO = out + po + jBegin * ov.s7;
  for (int j = 0; j < count; j++, pA += av.s7, pB += bv.s7, pO += ov.s7) {
    *pO = binary_apply(op, *pA, *pB);
  }
}
