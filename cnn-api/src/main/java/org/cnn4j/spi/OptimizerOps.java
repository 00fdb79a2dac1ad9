package org.cnn4j.spi;

/** The optimizer family of the SPI: fused parameter updates. See {@link MemoryOps}. */
public interface OptimizerOps {

  /**
   * Keras SGD. Without momentum: {@code p -= lr * g}. With it: {@code v = momentum * v - lr * g};
   * then {@code p += v}, or with Nesterov {@code p += momentum * v - lr * g}. velocity may be null
   * when momentum is 0.
   */
  void sgdStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer velocity,
      long n,
      float lr,
      float momentum,
      boolean nesterov);

  /**
   * Keras Adam (and AdamW when {@code weightDecay > 0}: first {@code p -= lr * weightDecay * p}).
   * Step {@code t} counts from 1: {@code m += (g - m)(1 - b1)}, {@code v += (g^2 - v)(1 - b2)},
   * {@code p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)}.
   */
  void adamStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer m,
      DeviceBuffer v,
      long n,
      float lr,
      float beta1,
      float beta2,
      float eps,
      long t,
      float weightDecay);

  /**
   * Keras RMSprop (no momentum, not centred): {@code s = rho s + (1 - rho) g^2; p -= lr g /
   * (sqrt(s) + eps)}.
   */
  void rmspropStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer meanSquare,
      long n,
      float lr,
      float rho,
      float eps);
}
