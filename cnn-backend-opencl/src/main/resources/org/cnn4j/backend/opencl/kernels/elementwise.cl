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
    // v < 0, not v > 0: NaN passes through, as in Keras (a NaN weight must not give a finite loss).
    case ACT_RELU: r = v < 0.0f ? 0.0f : v; break;
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
  switch (kind) {
    case ACT_RELU: v = v < 0.0f ? 0.0f : v; break;  // NaN passes through
    case ACT_SIGMOID: v = 1.0f / (1.0f + exp(-v)); break;
    case ACT_TANH: v = tanh(v); break;
    case ACT_LEAKY_RELU: v = v > 0.0f ? v : alpha * v; break;
    default: break;
  }
  y[i] = v;
}

// The backward of bias_activation_forward from its output y: dz = dy * f'(y), and the column
// sums of dz over rows [slice * chunk, (slice + 1) * chunk) into partial[slice, c] (the host
// folds several slices with reduce_middle). Indexing (2-D): x = column c, y = slice. dz may be
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
    const float g = dy[i];
    const float o = y[i];
    float d;
    switch (kind) {
      case ACT_RELU: d = o > 0.0f ? g : 0.0f; break;
      case ACT_SIGMOID: d = g * o * (1.0f - o); break;
      case ACT_TANH: d = g * (1.0f - o * o); break;
      case ACT_LEAKY_RELU: d = o > 0.0f ? g : alpha * g; break;
      default: d = g; break;
    }
    dz[i] = d;
    sum += d;
  }
  partial[(long)slice * cols + c] = sum;
}
