// Element-wise kernels: activations, unary functions, binary ops and their gradients, axpby, and
// the layer epilogue. Indexing: one work item per element,
// i = get_global_id(0) < n (the global size is rounded up to the work-group size). Every kernel
// reads element i before writing element i, so an output may alias an input.

#include "scalar_ops.h"

__kernel void activation_forward(int kind, float alpha, __global const float* x,
                                 __global float* y, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  y[i] = act_apply(kind, alpha, x[i]);
}

__kernel void activation_backward(int kind, float alpha, __global const float* x,
                                  __global const float* y, __global const float* dy,
                                  __global float* dx, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  dx[i] = act_grad(kind, alpha, x[i], y[i], dy[i]);
}

__kernel void unary(int op, float alpha, __global const float* x, __global float* y, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  y[i] = unary_apply(op, alpha, x[i]);
}

__kernel void unary_backward(int op, float alpha, __global const float* x,
                             __global const float* y, __global const float* dy,
                             __global float* dx, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  dx[i] = unary_grad(op, alpha, x[i], y[i], dy[i]);
}

__kernel void binary(int op, __global const float* a, __global const float* b,
                     __global float* out, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  out[i] = binary_apply(op, a[i], b[i]);
}

// The gradients of binary (binary_grad), each written only when its flag is set (the host passes
// dy for an absent one). Every input is read before either output is written, so an output may
// alias an input.
__kernel void binary_backward(int op, __global const float* a, __global const float* b,
                              __global const float* dy, __global float* da, __global float* db,
                              int hasDa, int hasDb, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  float toA, toB;
  binary_grad(op, a[i], b[i], dy[i], &toA, &toB);
  if (hasDa) da[i] = toA;
  if (hasDb) db[i] = toB;
}

// With beta == 0 the old y is never read, so NaN or garbage there does not propagate.
__kernel void axpby(float alpha, __global const float* x, float beta, __global float* y, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  y[i] = beta == 0.0f ? alpha * x[i] : alpha * x[i] + beta * y[i];
}

// The layer epilogue, in place: y[r, c] = f(y[r, c] + bias[c]) (no bias when hasBias is 0).
// Indexing (2-D): x = column c, y = row r, so there is no index division and neighbouring work
// items touch neighbouring addresses.
__kernel void bias_activation_forward(int kind, float alpha, __global float* y,
                                      __global const float* bias, int hasBias, int rows,
                                      int cols) {
  const int c = get_global_id(0);
  const int r = get_global_id(1);
  if (c >= cols || r >= rows) return;
  const long i = (long)r * cols + c;
  float v = y[i];
  if (hasBias) v += bias[c];
  y[i] = act_apply(kind, alpha, v);
}

// The backward of bias_activation_forward from its output y: dz = dy * f'(y) (the host accepts
// only the kinds whose derivative comes from y), and the column sums of dz over rows
// [slice * chunk, (slice + 1) * chunk) into partial[slice, c] (the host folds several slices with
// reduce_middle). Indexing (2-D): x = column c, y = slice. dz may be
// dy: each element is read before it is written.
__kernel void activation_backward_bias(int kind, float alpha, __global const float* y,
                                       __global const float* dy, __global float* dz, int rows,
                                       int cols, int chunk, int slices, __global float* partial) {
  const int c = get_global_id(0);
  const int slice = get_global_id(1);
  if (c >= cols || slice >= slices) return;
  const int rBegin = min(rows, slice * chunk);
  const int rEnd = min(rows, rBegin + chunk);
  float sum = 0.0f;
  for (int r = rBegin; r < rEnd; r++) {
    const long i = (long)r * cols + c;
    const float o = y[i];
    const float d = act_grad(kind, alpha, o, o, dy[i]);
    dz[i] = d;
    sum += d;
  }
  partial[(long)slice * cols + c] = sum;
}
