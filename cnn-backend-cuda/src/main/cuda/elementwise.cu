// Element-wise kernels: activations, binary ops and their gradients, axpby, and the fused bias +
// activation epilogue.
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

// out = a op b (binary_apply, common.cuh: MAX and MIN keep NaN).
extern "C" __global__ void binary(int op, const float* a, const float* b, float* out,
                                  long long n) {
  GRID_STRIDE_LOOP(i, n) out[i] = binary_apply(op, a[i], b[i]);
}

// The gradients of binary: da = dy * d(a op b)/da, db = dy * d(a op b)/db, each written only when
// its flag is set (the host passes dy for an absent one). MAX's ties go to a (a >= b), MIN's too
// (a <= b), as the SPI says. Every input is read before either output is written, so an output
// may alias an input.
extern "C" __global__ void binary_backward(int op, const float* a, const float* b,
                                           const float* dy, float* da, float* db, int hasDa,
                                           int hasDb, long long n) {
  GRID_STRIDE_LOOP(i, n) {
    const float p = a[i], q = b[i], d = dy[i];
    float toA, toB;
    switch (op) {
      case OP_ADD: toA = d; toB = d; break;
      case OP_SUB: toA = d; toB = -d; break;
      case OP_MUL: toA = d * q; toB = d * p; break;
      case OP_DIV: toA = d / q; toB = -toA * p / q; break;
      case OP_MAX: toA = p >= q ? d : 0.0f; toB = p >= q ? 0.0f : d; break;
      default: toA = p <= q ? d : 0.0f; toB = p <= q ? 0.0f : d; break;
    }
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
    y[i] = activate(kind, alpha, v);
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
    dz[i] = activate_grad(kind, alpha, out, out, dy[i]);
  }
}
