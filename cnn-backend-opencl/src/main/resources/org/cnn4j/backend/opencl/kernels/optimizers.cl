// Fused optimizer steps, Keras' update rules. One work item per parameter, i < n.

// Without momentum p -= lr g; with it v = momentum v - lr g, then p += v, or with Nesterov
// p += momentum v - lr g.
__kernel void sgd_step(__global float* p, __global const float* g, __global float* v, long n,
                       float lr, float momentum, int nesterov) {
  const long i = get_global_id(0);
  if (i >= n) return;
  if (momentum == 0.0f) {
    p[i] -= lr * g[i];
    return;
  }
  const float vel = momentum * v[i] - lr * g[i];
  v[i] = vel;
  p[i] += nesterov ? momentum * vel - lr * g[i] : vel;
}

// lrHat = lr * sqrt(1 - beta2^t) / (1 - beta1^t), computed once on the host in double.
__kernel void adam_step(__global float* p, __global const float* g, __global float* m,
                        __global float* v, long n, float lr, float beta1, float beta2, float eps,
                        float lrHat, float weightDecay) {
  const long i = get_global_id(0);
  if (i >= n) return;
  float param = p[i];
  if (weightDecay > 0.0f) param -= lr * weightDecay * param;
  const float grad = g[i];
  const float mi = m[i] + (grad - m[i]) * (1.0f - beta1);
  const float vi = v[i] + (grad * grad - v[i]) * (1.0f - beta2);
  m[i] = mi;
  v[i] = vi;
  p[i] = param - lrHat * mi / (sqrt(vi) + eps);
}

__kernel void rmsprop_step(__global float* p, __global const float* g, __global float* s, long n,
                           float lr, float rho, float eps) {
  const long i = get_global_id(0);
  if (i >= n) return;
  const float grad = g[i];
  const float si = rho * s[i] + (1.0f - rho) * grad * grad;
  s[i] = si;
  p[i] -= lr * grad / (sqrt(si) + eps);
}
