// Element-wise kernels: activations, unary functions, binary ops and their gradients, axpby, and
// the fused bias + activation epilogue.
// Indexing: grid-stride loop over i < n. Every kernel reads element i before writing element i,
// so an output may alias an input.
#include "common.cuh"

extern "C" __global__ void activation_forward(int kind, float alpha, const float* x, float* y,
                                              long long n) {
  GRID_STRIDE_LOOP(i, n) y[i] = act_apply(kind, alpha, x[i]);
}

extern "C" __global__ void activation_backward(int kind, float alpha, const float* x,
                                               const float* y, const float* dy, float* dx,
                                               long long n) {
  GRID_STRIDE_LOOP(i, n) dx[i] = act_grad(kind, alpha, x[i], y[i], dy[i]);
}

extern "C" __global__ void unary(int op, float alpha, const float* x, float* y, long long n) {
  GRID_STRIDE_LOOP(i, n) y[i] = unary_apply(op, alpha, x[i]);
}

extern "C" __global__ void unary_backward(int op, float alpha, const float* x, const float* y,
                                          const float* dy, float* dx, long long n) {
  GRID_STRIDE_LOOP(i, n) dx[i] = unary_grad(op, alpha, x[i], y[i], dy[i]);
}

// out = a op b (binary_apply, scalar_ops.h: MAX and MIN keep NaN, the comparisons give 1 or 0).
extern "C" __global__ void binary(int op, const float* a, const float* b, float* out,
                                  long long n) {
  GRID_STRIDE_LOOP(i, n) out[i] = binary_apply(op, a[i], b[i]);
}

// The gradients of binary (binary_grad, scalar_ops.h), each written only when its flag is set
// (the host passes dy for an absent one). Every input is read before either output is written, so
// an output may alias an input.
extern "C" __global__ void binary_backward(int op, const float* a, const float* b,
                                           const float* dy, float* da, float* db, int hasDa,
                                           int hasDb, long long n) {
  GRID_STRIDE_LOOP(i, n) {
    float toA, toB;
    binary_grad(op, a[i], b[i], dy[i], &toA, &toB);
    if (hasDa) da[i] = toA;
    if (hasDb) db[i] = toB;
  }
}

// With beta == 0 the old y is never read, so NaN or garbage there does not propagate.
extern "C" __global__ void axpby(float alpha, const float* x, float beta, float* y, long long n) {
  GRID_STRIDE_LOOP(i, n) y[i] = beta == 0.0f ? alpha * x[i] : alpha * x[i] + beta * y[i];
}

// y[r, c] = f(y[r, c] + bias[c]) in place; hasBias = 0 skips the bias (bias may be y then).
// Indexing: i = r * cols + c over the grid-stride loop.
extern "C" __global__ void bias_activation_forward(int kind, float alpha, float* y,
                                                   const float* bias, int hasBias, int cols,
                                                   long long n) {
  GRID_STRIDE_LOOP(i, n) {
    float v = y[i];
    if (hasBias) v += bias[i % cols];
    y[i] = act_apply(kind, alpha, v);
  }
}

// dz = dy * f'(.) read from the forward output y (the sign of ReLU and LeakyReLU too; the host
// accepts only the kinds whose derivative comes from y). dz may be dy. The bias gradient is then
// a reduce_middle over dz.
extern "C" __global__ void activation_backward_from_output(int kind, float alpha, const float* y,
                                                           const float* dy, float* dz,
                                                           long long n) {
  GRID_STRIDE_LOOP(i, n) {
    const float out = y[i];
    dz[i] = act_grad(kind, alpha, out, out, dy[i]);
  }
}
