package org.cnn4j.backend.opencl;

import org.cnn4j.spi.AdamStepSize;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.OptimizerOps;

/** optimizers.cl's fused parameter updates: one work item per parameter. */
final class ClOptimizers implements OptimizerOps {
  private static final String OPTIMIZERS = "optimizers.cl";

  private final ClOps ops;

  ClOptimizers(ClOps ops) {
    this.ops = ops;
  }

  @Override
  public void sgdStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer velocity,
      long n,
      float lr,
      float momentum,
      boolean nesterov) {
    ClBuffer p = ops.range(param, "param", 0, n);
    // Without momentum the kernel never touches velocity (which may be null); param stands in.
    ClBuffer v = momentum == 0f ? p : ops.range(velocity, "velocity", 0, n);
    ops.kernel(OPTIMIZERS, "sgd_step")
        .launch1d(n, p, ops.range(grad, "grad", 0, n), v, n, lr, momentum, nesterov);
  }

  @Override
  public void adamStep(
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
      float weightDecay) {
    float stepSize = AdamStepSize.of(lr, beta1, beta2, t);
    ops.kernel(OPTIMIZERS, "adam_step")
        .launch1d(
            n,
            ops.range(param, "param", 0, n),
            ops.range(grad, "grad", 0, n),
            ops.range(m, "m", 0, n),
            ops.range(v, "v", 0, n),
            n,
            lr,
            beta1,
            beta2,
            eps,
            stepSize,
            weightDecay);
  }

  @Override
  public void rmspropStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer meanSquare,
      long n,
      float lr,
      float rho,
      float eps) {
    ops.kernel(OPTIMIZERS, "rmsprop_step")
        .launch1d(
            n,
            ops.range(param, "param", 0, n),
            ops.range(grad, "grad", 0, n),
            ops.range(meanSquare, "meanSquare", 0, n),
            n,
            lr,
            rho,
            eps);
  }
}
