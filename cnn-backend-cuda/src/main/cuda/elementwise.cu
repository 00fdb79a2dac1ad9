// Element-wise kernels: activations, unary functions, binary ops and their gradients, axpby, and
// the fused bias + activation epilogue.
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

// Must match org.cnn4j.spi.UnaryOp's ordinal order (KernelConstantsTest checks it).
#define UOP_NEG 0
#define UOP_ABS 1
#define UOP_SIGN 2
#define UOP_SQUARE 3
#define UOP_SQRT 4
#define UOP_RSQRT 5
#define UOP_RECIPROCAL 6
#define UOP_EXP 7
#define UOP_LOG 8
#define UOP_POW 9
#define UOP_SIN 10
#define UOP_COS 11

// f(v) as org.cnn4j.spi.UnaryOp defines it; alpha is POW's exponent. SIGN keeps NaN and +-0 (as
// the OpenCL kernel, whose sign() would not). Outside a function's domain the result is IEEE's
// (logf(0) = -inf, sqrtf(-1) = NaN), as the SPI says. An unknown op gives NaN.
__device__ __forceinline__ float unary_apply(int op, float alpha, float v) {
  switch (op) {
    case UOP_NEG: return -v;
    case UOP_ABS: return fabsf(v);
    case UOP_SIGN: return v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : v;
    case UOP_SQUARE: return v * v;
    case UOP_SQRT: return sqrtf(v);
    case UOP_RSQRT: return rsqrtf(v);
    case UOP_RECIPROCAL: return 1.0f / v;
    case UOP_EXP: return expf(v);
    case UOP_LOG: return logf(v);
    case UOP_POW: return powf(v, alpha);
    case UOP_SIN: return sinf(v);
    case UOP_COS: return cosf(v);
    default: return NAN;
  }
}

// g * f'(x) given x and y = f(x), in UnaryOp.derivative's forms: SQRT, RSQRT, RECIPROCAL and EXP
// reuse y (no second square root, division or exp); ABS's derivative is 0 at 0; POW's is 0 for
// alpha 0 (not 0 * x^-1, which is NaN at x = 0).
__device__ __forceinline__ float unary_grad(int op, float alpha, float x, float y, float g) {
  switch (op) {
    case UOP_NEG: return -g;
    case UOP_ABS: return g * (x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : 0.0f);
    case UOP_SIGN: return 0.0f;
    case UOP_SQUARE: return g * 2.0f * x;
    case UOP_SQRT: return g * 0.5f / y;
    case UOP_RSQRT: return g * -0.5f * y / x;
    case UOP_RECIPROCAL: return g * -y * y;
    case UOP_EXP: return g * y;
    case UOP_LOG: return g / x;
    case UOP_POW: return alpha == 0.0f ? 0.0f : g * alpha * powf(x, alpha - 1.0f);
    case UOP_SIN: return g * cosf(x);
    case UOP_COS: return g * -sinf(x);
    default: return NAN;
  }
}

extern "C" __global__ void unary(int op, float alpha, const float* x, float* y, long long n) {
  GRID_STRIDE_LOOP(i, n) y[i] = unary_apply(op, alpha, x[i]);
}

extern "C" __global__ void unary_backward(int op, float alpha, const float* x, const float* y,
                                          const float* dy, float* dx, long long n) {
  GRID_STRIDE_LOOP(i, n) dx[i] = unary_grad(op, alpha, x[i], y[i], dy[i]);
}

// out = a op b (binary_apply, common.cuh: MAX and MIN keep NaN, the comparisons give 1 or 0).
extern "C" __global__ void binary(int op, const float* a, const float* b, float* out,
                                  long long n) {
  GRID_STRIDE_LOOP(i, n) out[i] = binary_apply(op, a[i], b[i]);
}

// The gradients of binary: da = dy * d(a op b)/da, db = dy * d(a op b)/db, each written only when
// its flag is set (the host passes dy for an absent one). MAX's ties go to a (a >= b), MIN's too
// (a <= b), as the SPI says. POW's are b a^(b-1) and a^b ln(a), 0 where b (for da) or a (for db)
// is 0, as the SPI says, rather than 0 * inf; the comparisons pass none. Every input is read
// before either output is written, so an output may alias an input.
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
      case OP_MIN: toA = p <= q ? d : 0.0f; toB = p <= q ? 0.0f : d; break;
      case OP_POW:
        toA = q == 0.0f ? 0.0f : d * q * powf(p, q - 1.0f);
        toB = p == 0.0f ? 0.0f : d * powf(p, q) * logf(p);
        break;
      case OP_GREATER:
      case OP_GREATER_EQUAL:
      case OP_LESS:
      case OP_LESS_EQUAL:
      case OP_EQUAL:
      case OP_NOT_EQUAL: toA = 0.0f; toB = 0.0f; break;
      default: toA = NAN; toB = NAN; break;
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
