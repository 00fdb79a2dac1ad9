package org.cnn4j.backend.cuda;

import org.cnn4j.spi.AdamStepSize;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.OptimizerOps;

/** optimizers.cu's fused parameter updates: grid-stride kernels over the parameters. */
final class CuOptimizers implements OptimizerOps {
  private final CuOps ops;

  CuOptimizers(CuOps ops) {
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
    CuBuffer p = ops.range(param, "param", 0, n);
    // Without momentum the kernel never touches velocity (which may be null); param stands in.
    CuBuffer v = momentum == 0f ? p : ops.range(velocity, "velocity", 0, n);
    ops.launch1d(
        "sgd_step",
        n,
        p.at(0),
        ops.range(grad, "grad", 0, n).at(0),
        v.at(0),
        n,
        lr,
        momentum,
        nesterov);
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
    ops.launch1d(
        "adam_step",
        n,
        ops.range(param, "param", 0, n).at(0),
        ops.range(grad, "grad", 0, n).at(0),
        ops.range(m, "m", 0, n).at(0),
        ops.range(v, "v", 0, n).at(0),
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
    ops.launch1d(
        "rmsprop_step",
        n,
        ops.range(param, "param", 0, n).at(0),
        ops.range(grad, "grad", 0, n).at(0),
        ops.range(meanSquare, "meanSquare", 0, n).at(0),
        n,
        lr,
        rho,
        eps);
  }
}
