// Element-wise kernels: activations, binary ops, axpby. Indexing: one work item per element,
// i = get_global_id(0) < n (the global size is rounded up to the work-group size). Every kernel
// reads element i before writing element i, so an output may alias an input.

// Must match org.cnn4j.spi.ActivationKind's ordinal order.
#define ACT_LINEAR 0
#define ACT_RELU 1
#define ACT_SIGMOID 2
#define ACT_TANH 3
#define ACT_LEAKY_RELU 4

__kernel void activation_forward(int kind, float alpha, __global const float* x,
                                 __global float* y, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  float v = x[i];
  float r;
  switch (kind) {
    case ACT_RELU: r = v > 0.0f ? v : 0.0f; break;
    // exp(-v) overflows to +inf for very negative v, giving exactly 0: no NaN.
    case ACT_SIGMOID: r = 1.0f / (1.0f + exp(-v)); break;
    case ACT_TANH: r = tanh(v); break;
    case ACT_LEAKY_RELU: r = v > 0.0f ? v : alpha * v; break;
    default: r = v; break;
  }
  y[i] = r;
}

// ReLU and LeakyReLU read the forward input x; sigmoid and tanh read the forward output y.
__kernel void activation_backward(int kind, float alpha, __global const float* x,
                                  __global const float* y, __global const float* dy,
                                  __global float* dx, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  float g = dy[i];
  float r;
  switch (kind) {
    case ACT_RELU: r = x[i] > 0.0f ? g : 0.0f; break;
    case ACT_SIGMOID: { float s = y[i]; r = g * s * (1.0f - s); break; }
    case ACT_TANH: { float t = y[i]; r = g * (1.0f - t * t); break; }
    case ACT_LEAKY_RELU: r = x[i] > 0.0f ? g : alpha * g; break;
    default: r = g; break;
  }
  dx[i] = r;
}

// Must match org.cnn4j.spi.BinaryOp's ordinal order.
#define OP_ADD 0
#define OP_SUB 1
#define OP_MUL 2

__kernel void binary(int op, __global const float* a, __global const float* b,
                     __global float* out, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  float u = a[i], v = b[i];
  out[i] = op == OP_ADD ? u + v : op == OP_SUB ? u - v : u * v;
}

// With beta == 0 the old y is never read, so NaN or garbage there does not propagate.
__kernel void axpby(float alpha, __global const float* x, float beta, __global float* y, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  y[i] = beta == 0.0f ? alpha * x[i] : alpha * x[i] + beta * y[i];
}
