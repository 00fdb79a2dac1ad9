// Shared helpers of the cnn4j CUDA kernels. Every family file includes this; kernels.cu includes
// every family file, so the whole set is one translation unit and one module (cnn4j.fatbin).
//
// Conventions: buffers are float32; the host applies element offsets to the pointers it passes;
// one-dimensional kernels use a grid-stride loop over i < n (64-bit), so the host may cap the
// grid; sizes that the SPI gives as int stay int.
#pragma once

#define GRID_STRIDE_LOOP(i, n) \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
       i += (long long)blockDim.x * gridDim.x)

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

__device__ __forceinline__ float hard_sigmoid(float v) {
  return fminf(fmaxf(v / 6.0f + 0.5f, 0.0f), 1.0f);
}

// tanh's argument in GELU's tanh approximation.
__device__ __forceinline__ float gelu_tanh_arg(float v) {
  return SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v);
}

// f(v) as org.cnn4j.spi.ActivationKind defines it. Forms that cancel are avoided: GELU uses erfcf
// (1 + erf(-t) loses every digit for large t), its tanh form 1 + tanh(u) = 2 sigmoid(2u),
// softplus log1pf, ELU and SELU expm1f. expf(-v) overflowing to +inf gives exactly 0 in the
// sigmoids, never NaN. ReLU and the clipped ReLU keep NaN (a NaN weight must not give a finite loss).
__device__ __forceinline__ float activate(int kind, float alpha, float v) {
  switch (kind) {
    case ACT_RELU: return v < 0.0f ? 0.0f : v;  // NaN passes through, as in Keras
    case ACT_SIGMOID: return 1.0f / (1.0f + expf(-v));
    case ACT_TANH: return tanhf(v);
    case ACT_LEAKY_RELU: return v > 0.0f ? v : alpha * v;
    case ACT_CLIPPED_RELU: return v < 0.0f ? 0.0f : v > alpha ? alpha : v;
    case ACT_ELU: return v > 0.0f ? v : alpha * expm1f(v);
    case ACT_SELU: return SELU_SCALE * (v > 0.0f ? v : SELU_ALPHA * expm1f(v));
    case ACT_GELU: return 0.5f * v * erfcf(-v * INV_SQRT2);
    case ACT_GELU_TANH: return v / (1.0f + expf(-2.0f * gelu_tanh_arg(v)));
    case ACT_SILU: return v / (1.0f + expf(-v));
    case ACT_HARD_SIGMOID: return hard_sigmoid(v);
    case ACT_HARD_SILU: return v * hard_sigmoid(v);
    case ACT_SOFTPLUS: return v > 0.0f ? v + log1pf(expf(-v)) : log1pf(expf(v));
    case ACT_SOFTSIGN: return v / (1.0f + fabsf(v));
    case ACT_EXPONENTIAL: return expf(v);
    default: return v;
  }
}

// g * f'(x). The kinds whose ActivationKind.derivativeFromOutput() holds read only the output y
// (so a caller may pass y for x after an in-place forward); GELU, its tanh form, SiLU and hard
// SiLU read the input x.
__device__ __forceinline__ float activate_grad(int kind, float alpha, float x, float y, float g) {
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
      return g * (0.5f * erfcf(-x * INV_SQRT2) + x * expf(-0.5f * x * x) * INV_SQRT_2PI);
    case ACT_GELU_TANH: {
      // With s = sigmoid(2u): 0.5 (1 + tanh u) = s and 0.5 (1 - tanh^2 u) = 2 s (1 - s).
      const float s = 1.0f / (1.0f + expf(-2.0f * gelu_tanh_arg(x)));
      const float du = SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_CUBIC * x * x);
      return g * (s + 2.0f * x * s * (1.0f - s) * du);
    }
    case ACT_SILU: {
      const float s = 1.0f / (1.0f + expf(-x));
      return g * s * (1.0f + x * (1.0f - s));
    }
    case ACT_HARD_SIGMOID: return y > 0.0f && y < 1.0f ? g / 6.0f : 0.0f;
    case ACT_HARD_SILU: return g * (hard_sigmoid(x) + (x > -3.0f && x < 3.0f ? x / 6.0f : 0.0f));
    // softplus' = sigmoid(x) = 1 - exp(-y).
    case ACT_SOFTPLUS: return -g * expm1f(-y);
    // softsign' = 1 / (1 + |x|)^2 = (1 - |y|)^2.
    case ACT_SOFTSIGN: {
      const float t = 1.0f - fabsf(y);
      return g * t * t;
    }
    case ACT_EXPONENTIAL: return g * y;
    default: return g;
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

// a op b; MAX and MIN give NaN when either operand is NaN (fmaxf and fminf would drop it). The
// comparisons give 1 or 0; IEEE comparisons with NaN are false, except !=. An unknown op gives
// NaN.
__device__ __forceinline__ float binary_apply(int op, float u, float v) {
  switch (op) {
    case OP_ADD: return u + v;
    case OP_SUB: return u - v;
    case OP_MUL: return u * v;
    case OP_DIV: return u / v;
    case OP_MAX: return u >= v || isnan(u) ? u : v;
    case OP_MIN: return u <= v || isnan(u) ? u : v;
    case OP_POW: return powf(u, v);
    case OP_GREATER: return u > v ? 1.0f : 0.0f;
    case OP_GREATER_EQUAL: return u >= v ? 1.0f : 0.0f;
    case OP_LESS: return u < v ? 1.0f : 0.0f;
    case OP_LESS_EQUAL: return u <= v ? 1.0f : 0.0f;
    case OP_EQUAL: return u == v ? 1.0f : 0.0f;
    case OP_NOT_EQUAL: return u != v ? 1.0f : 0.0f;
    default: return NAN;
  }
}

// Row kernels: one warp per row (row = global warp index, grid-stride), lane j handles columns
// j, j + 32, ...; a lane reads each of its elements before writing it, so outputs may alias
// inputs.
#define FOR_EACH_ROW(r, rows)                                                               \
  for (int r = (int)((blockIdx.x * (long long)blockDim.x + threadIdx.x) >> 5); r < (rows); \
       r += (int)((gridDim.x * (long long)blockDim.x) >> 5))

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// The sum over threadIdx.y of each column of a (blockDim.x, blockDim.y) block, both powers of two
// with blockDim.x * blockDim.y <= 256; valid in the threads with threadIdx.y == 0. The tree's
// order is fixed, so results do not depend on scheduling.
__device__ __forceinline__ float block_column_sum(float s, float* part) {
  const int tx = threadIdx.x, ty = threadIdx.y, bx = blockDim.x;
  part[ty * bx + tx] = s;
  __syncthreads();
  for (int h = blockDim.y >> 1; h > 0; h >>= 1) {
    if (ty < h) part[ty * bx + tx] += part[(ty + h) * bx + tx];
    __syncthreads();
  }
  return part[tx];
}
