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
    // Each thread copies a chunk of the four tensors into arrays, updates them there and copies
    // the three it changed back: HotSpot vectorizes the array loop (square root and division
    // included), not the element-wise loop over native memory, which ran 2.3x slower on W1's
    // largest kernel. The work estimate counts elements: a tensor under 262,144 of them takes one
    // thread, which is faster than handing half of it to another (see Parallel).
    parallel.forRange(
        (int) n,
        n,
        (lo, hi) -> {
          float[][] chunks = ADAM_CHUNKS.get();
          float[] pc = chunks[0];
          float[] gc = chunks[1];
          float[] mc = chunks[2];
          float[] vc = chunks[3];
          for (int from = lo; from < hi; from += ADAM_CHUNK) {
            int len = Math.min(ADAM_CHUNK, hi - from);
            p.get(from, pc, 0, len);
            g.get(from, gc, 0, len);
            mm.get(from, mc, 0, len);
            vv.get(from, vc, 0, len);
            adamChunk(pc, gc, mc, vc, len, alpha, beta1, beta2, eps, decay);
            p.put(from, pc, 0, len);
            mm.put(from, mc, 0, len);
            vv.put(from, vc, 0, len);
          }
        });
  }

  /** Floats of each tensor per step of the Adam loop: four 4 KiB arrays, in a core's L1 cache. */
  private static final int ADAM_CHUNK = 1024;

  /**
   * Each thread's four chunk arrays, kept: new ones per call (16 KiB of garbage each, ten calls a
   * W2 step) grew W2's resident memory by 80 MB, the young generation filling up.
   */
  private static final ThreadLocal<float[][]> ADAM_CHUNKS =
      ThreadLocal.withInitial(() -> new float[4][ADAM_CHUNK]);

  /** Adam's update of {@code len} parameters and their moments, in place in the arrays. */
  private static void adamChunk(
      float[] p,
      float[] g,
      float[] m,
      float[] v,
      int len,
      float alpha,
      float beta1,
      float beta2,
      float eps,
      float decay) {
    float keep = 1f - decay;
    float c1 = 1 - beta1;
    float c2 = 1 - beta2;
    for (int i = 0; i < len; i++) {
      float gi = g[i];
      float mi = m[i] + (gi - m[i]) * c1;
      float vi = v[i] + (gi * gi - v[i]) * c2;
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i] * keep - alpha * mi / ((float) Math.sqrt(vi) + eps);
    }
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
