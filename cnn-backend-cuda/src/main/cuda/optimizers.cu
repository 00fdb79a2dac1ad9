// Fused optimizer steps, Keras' update rules. Indexing: grid-stride loop, one parameter per step.
#include "common.cuh"

// Without momentum p -= lr g; with it v = momentum v - lr g, then p += v, or with Nesterov
// p += momentum v - lr g. v is not touched when momentum == 0.
extern "C" __global__ void sgd_step(float* p, const float* g, float* v, long long n, float lr,
                                    float momentum, int nesterov) {
  GRID_STRIDE_LOOP(i, n) {
    if (momentum == 0.0f) {
      p[i] -= lr * g[i];
      continue;
    }
    const float vel = momentum * v[i] - lr * g[i];
    v[i] = vel;
    p[i] += nesterov ? momentum * vel - lr * g[i] : vel;
  }
}

// lrHat = lr * sqrt(1 - beta2^t) / (1 - beta1^t), computed once on the host in double.
extern "C" __global__ void adam_step(float* p, const float* g, float* m, float* v, long long n,
                                     float lr, float beta1, float beta2, float eps, float lrHat,
                                     float weightDecay) {
  GRID_STRIDE_LOOP(i, n) {
    float param = p[i];
    if (weightDecay > 0.0f) param -= lr * weightDecay * param;
    const float grad = g[i];
    const float mi = m[i] + (grad - m[i]) * (1.0f - beta1);
    const float vi = v[i] + (grad * grad - v[i]) * (1.0f - beta2);
    m[i] = mi;
    v[i] = vi;
    p[i] = param - lrHat * mi / (sqrtf(vi) + eps);
  }
}

extern "C" __global__ void rmsprop_step(float* p, const float* g, float* s, long long n,
                                        float lr, float rho, float eps) {
  GRID_STRIDE_LOOP(i, n) {
    const float grad = g[i];
    const float si = rho * s[i] + (1.0f - rho) * grad * grad;
    s[i] = si;
    p[i] -= lr * grad / (sqrtf(si) + eps);
  }
}
