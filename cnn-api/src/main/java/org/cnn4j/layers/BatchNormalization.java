package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code BatchNormalization} over the last axis (channels): momentum 0.99, epsilon 1e-3,
 * gamma ones, beta zeros, moving mean zeros, moving variance ones. Training normalises with the
 * batch's statistics and updates the moving ones; inference uses the moving ones.
 */
public final class BatchNormalization extends Layer {
  private float momentum = 0.99f;
  private float epsilon = 1e-3f;
  private Parameter gamma;
  private Parameter beta;
  private Parameter movingMean;
  private Parameter movingVariance;

  public BatchNormalization momentum(double m) {
    this.momentum = (float) m;
    return this;
  }

  public BatchNormalization epsilon(double e) {
    this.epsilon = (float) e;
    return this;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", -1);
    c.put("momentum", momentum);
    c.put("epsilon", epsilon);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    int c = input.dim(-1);
    gamma = addParameter(backend, "gamma", Shape.of(c), Initializers.constant(c, 1f), true);
    beta = addParameter(backend, "beta", Shape.of(c), new float[c], true);
    movingMean = addParameter(backend, "moving_mean", Shape.of(c), new float[c], false);
    movingVariance =
        addParameter(backend, "moving_variance", Shape.of(c), Initializers.constant(c, 1f), false);
  }

  /**
   * Training normalises with the batch's statistics, so a slice of the batch would see others
   * (unless the layer is frozen: then it uses the moving statistics).
   */
  @Override
  public boolean rowsIndependentInTraining() {
    return !trainable();
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    Backend backend = step.backend();
    int cols = inputShape().dim(-1);
    int rows = (int) (x.size() / cols);
    Tensor y = step.allocate(x.shape());
    // Frozen, the layer runs in inference mode even while the model trains (Keras 3), so
    // fine-tuning a model does not disturb its statistics.
    if (!step.training() || !trainable()) {
      backend.batchNormApply(
          x.buffer(),
          rows,
          cols,
          movingMean.value().buffer(),
          movingVariance.value().buffer(),
          gamma.value().buffer(),
          beta.value().buffer(),
          epsilon,
          y.buffer());
      return y;
    }
    Tensor mean = step.allocate(Shape.of(cols), false);
    Tensor variance = step.allocate(Shape.of(cols), false);
    backend.batchNormStatistics(x.buffer(), rows, cols, mean.buffer(), variance.buffer());
    backend.batchNormApply(
        x.buffer(),
        rows,
        cols,
        mean.buffer(),
        variance.buffer(),
        gamma.value().buffer(),
        beta.value().buffer(),
        epsilon,
        y.buffer());
    backend.axpby(1 - momentum, mean.buffer(), momentum, movingMean.value().buffer(), cols);
    backend.axpby(1 - momentum, variance.buffer(), momentum, movingVariance.value().buffer(), cols);
    step.record(
        () -> {
          if (y.grad() == null) return;
          Tensor dx = step.allocate(x.shape());
          backend.batchNormBackward(
              x.buffer(),
              y.grad().buffer(),
              rows,
              cols,
              mean.buffer(),
              variance.buffer(),
              gamma.value().buffer(),
              epsilon,
              dx.buffer(),
              step.gradient(gamma).buffer(),
              step.gradient(beta).buffer());
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
