// Element-wise kernels: activations, binary ops, axpby, and the fused bias + activation epilogue.
// Indexing: grid-stride loop over i < n. Every kernel reads element i before writing element i,
// so an output may alias an input.
#include "common.cuh"

extern "C" __global__ void activation_forward(int kind, float alpha, const float* x, float* y,
                                              long long n) {
  GRID_STRIDE_LOOP(i, n) y[i] = activate(kind, alpha, x[i]);
}

extern "C" __global__ void activation_backward(int kind, float alpha, const float* x,
                                               const float* y, const float* dy, float* dx,
                                               long long n) {
  GRID_STRIDE_LOOP(i, n) dx[i] = activate_grad(kind, alpha, x[i], y[i], dy[i]);
}

// Must match org.cnn4j.spi.BinaryOp's ordinal order.
#define OP_ADD 0
#define OP_SUB 1

extern "C" __global__ void binary(int op, const float* a, const float* b, float* out,
                                  long long n) {
  GRID_STRIDE_LOOP(i, n) {
    const float u = a[i], v = b[i];
    out[i] = op == OP_ADD ? u + v : op == OP_SUB ? u - v : u * v;
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
    y[i] = activate(kind, alpha, v);
  }
}

// dz = dy * f'(.) read from the forward output y (the sign of ReLU and LeakyReLU too). dz may be
// dy. The bias gradient is then a reduce_middle over dz.
extern "C" __global__ void activation_backward_from_output(int kind, float alpha, const float* y,
                                                           const float* dy, float* dz,
                                                           long long n) {
  GRID_STRIDE_LOOP(i, n) {
    const float out = y[i];
    dz[i] = activate_grad(kind, alpha, out, out, dy[i]);
  }
}
