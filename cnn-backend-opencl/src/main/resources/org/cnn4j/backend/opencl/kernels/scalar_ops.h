// The scalar functions of the element-wise ops, shared by both device backends: activations,
// unary and binary ops and their gradients. This one file is written in the common subset of
// OpenCL C and CUDA C++ (the math functions by their overloaded names: exp, tanh, ...; CUDA's
// float overloads are expf, tanhf, ...):
//   - OpenCL: a kernel source's line `#include "scalar_ops.h"` is replaced by this file when
//     ClPrograms reads the source (elementwise.cl, strided.cl).
//   - CUDA: common.cuh includes it; cnn-backend-cuda's build-kernels.sh puts this folder on nvcc's
//     include path and rebuilds the fatbin when this file changes.
#ifndef CNN4J_SCALAR_OPS_H
#define CNN4J_SCALAR_OPS_H

#ifdef __CUDACC__
#define SCALAR_FN __device__ __forceinline__
#else
#define SCALAR_FN inline
#endif

// Must match org.cnn4j.spi.ActivationKind's ordinal order (KernelConstantsTest checks it).
#define ACT_LINEAR 0
#define ACT_RELU 1
#define ACT_SIGMOID 2
#define ACT_TANH 3
#define ACT_LEAKY_RELU 4
#define ACT_CLIPPED_RELU 5
#define ACT_ELU 6
#define ACT_SELU 7
#define ACT_GELU 8
#define ACT_GELU_TANH 9
#define ACT_SILU 10
#define ACT_HARD_SIGMOID 11
#define ACT_HARD_SILU 12
#define ACT_SOFTPLUS 13
#define ACT_SOFTSIGN 14
#define ACT_EXPONENTIAL 15

#define SELU_SCALE 1.0507009873554805f
#define SELU_ALPHA 1.6732632423543772f
#define SQRT_2_OVER_PI 0.7978845608028654f
#define GELU_CUBIC 0.044715f
#define INV_SQRT2 0.7071067811865476f
#define INV_SQRT_2PI 0.3989422804014327f

#ifdef __CUDACC__
// CUDA's erfcf is fast and accurate.
#define GELU_ERFC(t) erfc(t)
#else
// erfc(t) to a few float ulp relative, in about a seventh of the time PoCL's erfc takes. For
// t >= 0: erfc(t) = exp(-t^2) p(u) / (1 + sqrt(pi) t) with u = t / (t + 2) in [0, 1), where the
// degree-9 polynomial p fits erfcx(t) (1 + sqrt(pi) t), which tends to 1 at both ends, to a
// relative 2.7e-7 (weighted least squares on the relative error over t in [0, inf)); for t < 0,
// 2 - erfc(-t), which does not cancel. The rest of the error is exp(-t^2)'s, t^2 rounded.
inline float erfc_fitted(float t) {
  const float a = fabs(t);
  const float u = a / (a + 2.0f);
  float p = -0.06910347193479538f;
  p = p * u + 0.08760427683591843f;
  p = p * u + 0.371934175491333f;
  p = p * u - 0.7227903008460999f;
  p = p * u - 0.052327241748571396f;
  p = p * u + 0.3427695333957672f;
  p = p * u + 1.4670804738998413f;
  p = p * u - 2.713366985321045f;
  p = p * u + 1.288199543952942f;
  p = p * u + 0.9999997615814209f;
  const float e = exp(-a * a) * p / (1.0f + 1.7724538509055159f * a);
  return t >= 0.0f ? e : 2.0f - e;
}
#define GELU_ERFC(t) erfc_fitted(t)
#endif

SCALAR_FN float hard_sigmoid(float v) { return fmin(fmax(v / 6.0f + 0.5f, 0.0f), 1.0f); }

// tanh's argument in GELU's tanh approximation.
SCALAR_FN float gelu_tanh_arg(float v) { return SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v); }

// f(v) as org.cnn4j.spi.ActivationKind defines it. Forms that cancel are avoided: GELU uses
// erfc (1 + erf(-t) loses every digit for large t), its tanh form 1 + tanh(u) = 2 sigmoid(2u),
// softplus log1p, ELU and SELU expm1. exp(-v) overflowing to +inf gives exactly 0 in the
// sigmoids, never NaN. ReLU and the clipped ReLU keep NaN (a NaN weight must not give a finite
// loss).
SCALAR_FN float act_apply(int kind, float alpha, float v) {
  switch (kind) {
    case ACT_RELU: return v < 0.0f ? 0.0f : v;  // NaN passes through, as in Keras
    case ACT_SIGMOID: return 1.0f / (1.0f + exp(-v));
    case ACT_TANH: return tanh(v);
    case ACT_LEAKY_RELU: return v > 0.0f ? v : alpha * v;
    case ACT_CLIPPED_RELU: return v < 0.0f ? 0.0f : v > alpha ? alpha : v;
    case ACT_ELU: return v > 0.0f ? v : alpha * expm1(v);
    case ACT_SELU: return SELU_SCALE * (v > 0.0f ? v : SELU_ALPHA * expm1(v));
    case ACT_GELU: return 0.5f * v * GELU_ERFC(-v * INV_SQRT2);
    case ACT_GELU_TANH: return v / (1.0f + exp(-2.0f * gelu_tanh_arg(v)));
    case ACT_SILU: return v / (1.0f + exp(-v));
    case ACT_HARD_SIGMOID: return hard_sigmoid(v);
    case ACT_HARD_SILU: return v * hard_sigmoid(v);
    case ACT_SOFTPLUS: return v > 0.0f ? v + log1p(exp(-v)) : log1p(exp(v));
    case ACT_SOFTSIGN: return v / (1.0f + fabs(v));
    case ACT_EXPONENTIAL: return exp(v);
    default: return v;
  }
}

// g * f'(x). The kinds whose ActivationKind.derivativeFromOutput() holds read only the output y
// (so a caller may pass y for x after an in-place forward); GELU, its tanh form, SiLU and hard
// SiLU read the input x.
SCALAR_FN float act_grad(int kind, float alpha, float x, float y, float g) {
  switch (kind) {
    case ACT_RELU: return y > 0.0f ? g : 0.0f;
    case ACT_SIGMOID: return g * y * (1.0f - y);
    case ACT_TANH: return g * (1.0f - y * y);
    case ACT_LEAKY_RELU: return y > 0.0f ? g : alpha * g;
    case ACT_CLIPPED_RELU: return y > 0.0f && y < alpha ? g : 0.0f;
    // For x <= 0, elu' = alpha exp(x) = y + alpha; selu' = scale alpha exp(x) = y + scale alpha.
    case ACT_ELU: return y > 0.0f ? g : g * (y + alpha);
    case ACT_SELU: return y > 0.0f ? g * SELU_SCALE : g * (y + SELU_SCALE * SELU_ALPHA);
    case ACT_GELU:
      return g * (0.5f * GELU_ERFC(-x * INV_SQRT2) + x * exp(-0.5f * x * x) * INV_SQRT_2PI);
    case ACT_GELU_TANH: {
      // With s = sigmoid(2u): 0.5 (1 + tanh u) = s and 0.5 (1 - tanh^2 u) = 2 s (1 - s).
      const float s = 1.0f / (1.0f + exp(-2.0f * gelu_tanh_arg(x)));
      const float du = SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_CUBIC * x * x);
      return g * (s + 2.0f * x * s * (1.0f - s) * du);
    }
    case ACT_SILU: {
      const float s = 1.0f / (1.0f + exp(-x));
      return g * s * (1.0f + x * (1.0f - s));
    }
    case ACT_HARD_SIGMOID: return y > 0.0f && y < 1.0f ? g / 6.0f : 0.0f;
    case ACT_HARD_SILU:
      return g * (hard_sigmoid(x) + (x > -3.0f && x < 3.0f ? x / 6.0f : 0.0f));
    // softplus' = sigmoid(x) = 1 - exp(-y).
    case ACT_SOFTPLUS: return -g * expm1(-y);
    // softsign' = 1 / (1 + |x|)^2 = (1 - |y|)^2.
    case ACT_SOFTSIGN: { const float t = 1.0f - fabs(y); return g * t * t; }
    case ACT_EXPONENTIAL: return g * y;
    default: return g;
  }
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

// f(v) as org.cnn4j.spi.UnaryOp defines it; alpha is POW's exponent. SIGN is written out: OpenCL's
// sign() gives 0 for NaN, where the SPI keeps NaN (and +-0 stays +-0). Outside a function's domain
// the result is IEEE's (log(0) = -inf, sqrt(-1) = NaN), as the SPI says. An unknown op gives NaN.
SCALAR_FN float unary_apply(int op, float alpha, float v) {
  switch (op) {
    case UOP_NEG: return -v;
    case UOP_ABS: return fabs(v);
    case UOP_SIGN: return v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : v;
    case UOP_SQUARE: return v * v;
    case UOP_SQRT: return sqrt(v);
    case UOP_RSQRT: return rsqrt(v);
    case UOP_RECIPROCAL: return 1.0f / v;
    case UOP_EXP: return exp(v);
    case UOP_LOG: return log(v);
    case UOP_POW: return pow(v, alpha);
    case UOP_SIN: return sin(v);
    case UOP_COS: return cos(v);
    default: return NAN;
  }
}

// g * f'(x) given x and y = f(x), in UnaryOp.derivative's forms: SQRT, RSQRT, RECIPROCAL and EXP
// reuse y (no second square root, division or exp); ABS's derivative is 0 at 0; POW's is 0 for
// alpha 0 (not 0 * x^-1, which is NaN at x = 0).
SCALAR_FN float unary_grad(int op, float alpha, float x, float y, float g) {
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
    case UOP_POW: return alpha == 0.0f ? 0.0f : g * alpha * pow(x, alpha - 1.0f);
    case UOP_SIN: return g * cos(x);
    case UOP_COS: return g * -sin(x);
    default: return NAN;
  }
}

// Must match org.cnn4j.spi.BinaryOp's ordinal order (KernelConstantsTest checks it).
#define OP_ADD 0
#define OP_SUB 1
#define OP_MUL 2
#define OP_DIV 3
#define OP_MAX 4
#define OP_MIN 5
#define OP_POW 6
#define OP_GREATER 7
#define OP_GREATER_EQUAL 8
#define OP_LESS 9
#define OP_LESS_EQUAL 10
#define OP_EQUAL 11
#define OP_NOT_EQUAL 12

// a op b; MAX and MIN give NaN when either operand is NaN (fmax and fmin would drop it). The
// comparisons give 1 or 0; IEEE comparisons with NaN are false, except !=. An unknown op gives
// NaN.
SCALAR_FN float binary_apply(int op, float u, float v) {
  switch (op) {
    case OP_ADD: return u + v;
    case OP_SUB: return u - v;
    case OP_MUL: return u * v;
    case OP_DIV: return u / v;
    case OP_MAX: return u >= v || isnan(u) ? u : v;
    case OP_MIN: return u <= v || isnan(u) ? u : v;
    case OP_POW: return pow(u, v);
    case OP_GREATER: return u > v ? 1.0f : 0.0f;
    case OP_GREATER_EQUAL: return u >= v ? 1.0f : 0.0f;
    case OP_LESS: return u < v ? 1.0f : 0.0f;
    case OP_LESS_EQUAL: return u <= v ? 1.0f : 0.0f;
    case OP_EQUAL: return u == v ? 1.0f : 0.0f;
    case OP_NOT_EQUAL: return u != v ? 1.0f : 0.0f;
    default: return NAN;
  }
}

// The gradients of a op b for d = dy: *toA = d * d(a op b)/da, *toB = d * d(a op b)/db. MAX's
// ties go to a (a >= b), MIN's too (a <= b), as the SPI says. POW's are b a^(b-1) and a^b ln(a),
// 0 where b (for toA) or a (for toB) is 0, as the SPI says, rather than 0 * inf; the comparisons
// pass none. An unknown op gives NaN.
SCALAR_FN void binary_grad(int op, float a, float b, float d, float* toA, float* toB) {
  switch (op) {
    case OP_ADD: *toA = d; *toB = d; break;
    case OP_SUB: *toA = d; *toB = -d; break;
    case OP_MUL: *toA = d * b; *toB = d * a; break;
    case OP_DIV: *toA = d / b; *toB = -*toA * a / b; break;
    case OP_MAX: *toA = a >= b ? d : 0.0f; *toB = a >= b ? 0.0f : d; break;
    case OP_MIN: *toA = a <= b ? d : 0.0f; *toB = a <= b ? 0.0f : d; break;
    case OP_POW:
      *toA = b == 0.0f ? 0.0f : d * b * pow(a, b - 1.0f);
      *toB = a == 0.0f ? 0.0f : d * pow(a, b) * log(a);
      break;
    case OP_GREATER:
    case OP_GREATER_EQUAL:
    case OP_LESS:
    case OP_LESS_EQUAL:
    case OP_EQUAL:
    case OP_NOT_EQUAL: *toA = 0.0f; *toB = 0.0f; break;
    default: *toA = NAN; *toB = NAN; break;
  }
}

#endif  // CNN4J_SCALAR_OPS_H
