package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code LayerNormalization(axis=-1, epsilon=1e-3, center=True, scale=True)}: each sample's
 * last axis normalised to mean 0 and variance 1 (biased), then scaled by gamma (ones) and shifted
 * by beta (zeros). Only the last axis, Keras' default, is supported. Rows are independent, so
 * batches split across lanes.
 */
public final class LayerNormalization extends Layer {
  private float epsilon = 1e-3f;
  private boolean center = true;
  private boolean scale = true;
  private Parameter gamma;
  private Parameter beta;

  /**
   * Keras' {@code epsilon} (1e-3 by default): added to the variance before its square root; > 0.
   */
  public LayerNormalization epsilon(double e) {
    if (!(e > 0)) throw new IllegalArgumentException("LayerNormalization: epsilon must be > 0");
    this.epsilon = (float) e;
    return this;
  }

  /** Keras' center: whether to add beta. */
  public LayerNormalization center(boolean on) {
    this.center = on;
    return this;
  }

  /** Keras' scale: whether to multiply by gamma. */
  public LayerNormalization scale(boolean on) {
    this.scale = on;
    return this;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", -1);
    c.put("epsilon", (double) epsilon);
    c.put("center", center);
    c.put("scale", scale);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    int c = input.dim(-1);
    if (scale)
      gamma = addParameter(backend, "gamma", Shape.of(c), Initializers.constant(c, 1f), true);
    if (center) beta = addParameter(backend, "beta", Shape.of(c), new float[c], true);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    Backend backend = step.backend();
    int cols = x.shape().dim(-1);
    int rows = (int) (x.size() / cols);
    Tensor y = step.allocate(x.shape());
    Tensor mean = step.allocate(Shape.of(rows), false);
    Tensor rstd = step.allocate(Shape.of(rows), false);
    backend.layerNormForward(
        x.buffer(),
        rows,
        cols,
        gamma == null ? null : gamma.value().buffer(),
        beta == null ? null : beta.value().buffer(),
        epsilon,
        y.buffer(),
        mean.buffer(),
        rstd.buffer());
    step.record(
        () -> {
          if (y.grad() == null) return;
          Tensor dx = step.allocate(x.shape());
          backend.layerNormBackward(
              x.buffer(),
              y.grad().buffer(),
              rows,
              cols,
              mean.buffer(),
              rstd.buffer(),
              gamma == null ? null : gamma.value().buffer(),
              dx.buffer(),
              gamma == null ? null : step.gradient(gamma).buffer(),
              beta == null ? null : step.gradient(beta).buffer());
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
