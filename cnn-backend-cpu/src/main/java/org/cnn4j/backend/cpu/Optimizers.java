package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;

/** The fused optimizer steps (SGD with momentum, Adam/AdamW, RMSprop), one pass per parameter. */
final class Optimizers {
  private final Parallel parallel;

  Optimizers(Parallel parallel) {
    this.parallel = parallel;
  }

  void sgdStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer velocity,
      long n,
      float lr,
      float momentum,
      boolean nesterov) {
    Ranges.check("sgdStep", param, 0, n);
    Ranges.check("sgdStep", grad, 0, n);
    if (momentum != 0f) Ranges.check("sgdStep", velocity, 0, n);

    Floats p = floats(param);
    Floats g = floats(grad);
    Floats v = momentum == 0f ? null : floats(velocity);
    parallel.forRange(
        (int) n,
        n * 2,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            float gi = g.get(i);
            if (v == null) {
              p.put(i, p.get(i) - lr * gi);
            } else {
              float vi = momentum * v.get(i) - lr * gi;
              v.put(i, vi);
              p.put(i, p.get(i) + (nesterov ? momentum * vi - lr * gi : vi));
            }
          }
        });
  }

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
      float weightDecay) {
    for (DeviceBuffer b : new DeviceBuffer[] {param, grad, m, v}) Ranges.check("adamStep", b, 0, n);

    Floats p = floats(param);
    Floats g = floats(grad);
    Floats mm = floats(m);
    Floats vv = floats(v);
    float alpha = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
    float decay = lr * weightDecay;
    parallel.forRange(
        (int) n,
        n * 4,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            float gi = g.get(i);
            float pi = p.get(i);
            if (decay != 0f) pi -= decay * pi;
            float mi = mm.get(i) + (gi - mm.get(i)) * (1 - beta1);
            float vi = vv.get(i) + (gi * gi - vv.get(i)) * (1 - beta2);
            mm.put(i, mi);
            vv.put(i, vi);
            p.put(i, pi - alpha * mi / ((float) Math.sqrt(vi) + eps));
          }
        });
  }

  void rmspropStep(
      DeviceBuffer param,
      DeviceBuffer grad,
      DeviceBuffer meanSquare,
      long n,
      float lr,
      float rho,
      float eps) {
    for (DeviceBuffer b : new DeviceBuffer[] {param, grad, meanSquare})
      Ranges.check("rmspropStep", b, 0, n);

    Floats p = floats(param);
    Floats g = floats(grad);
    Floats s = floats(meanSquare);
    parallel.forRange(
        (int) n,
        n * 4,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            float gi = g.get(i);
            float si = rho * s.get(i) + (1 - rho) * gi * gi;
            s.put(i, si);
            p.put(i, p.get(i) - lr * gi / ((float) Math.sqrt(si) + eps));
          }
        });
  }
}
