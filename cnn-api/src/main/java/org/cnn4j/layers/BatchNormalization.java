package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code BatchNormalization} over the last axis (channels): momentum 0.99, epsilon 1e-3,
 * gamma ones, beta zeros, moving mean zeros, moving variance ones. Training normalises with the
 * batch's statistics and updates the moving ones; inference uses the moving ones. {@code
 * scale(false)} leaves gamma out (as 1) and {@code center(false)} beta (as 0), Keras' {@code
 * scale=False} (InceptionV3) and {@code center=False}.
 */
public final class BatchNormalization extends Layer {
  private float momentum = 0.99f;
  private float epsilon = 1e-3f;
  private boolean center = true;
  private boolean scale = true;
  private Parameter gamma;
  private Parameter beta;
  private Parameter movingMean;
  private Parameter movingVariance;

  /**
   * Keras' {@code momentum} (0.99 by default): each training step the moving statistics become
   * {@code moving * momentum + batch * (1 - momentum)}.
   */
  public BatchNormalization momentum(double m) {
    this.momentum = (float) m;
    return this;
  }

  /** Keras' {@code epsilon} (1e-3 by default): added to the variance before its square root. */
  public BatchNormalization epsilon(double e) {
    this.epsilon = (float) e;
    return this;
  }

  /** Keras' center: whether to add beta (a trainable offset). */
  public BatchNormalization center(boolean on) {
    this.center = on;
    return this;
  }

  /** Keras' scale: whether to multiply by gamma (a trainable factor). */
  public BatchNormalization scale(boolean on) {
    this.scale = on;
    return this;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", -1);
    c.put("momentum", momentum);
    c.put("epsilon", epsilon);
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
    // Without gamma or beta the backend's ops still take a factor and an offset: ones and zeros.
    DeviceBuffer g = gamma != null ? gamma.value().buffer() : constant(step, cols, 1f);
    DeviceBuffer b = beta != null ? beta.value().buffer() : constant(step, cols, 0f);
    // Frozen, the layer runs in inference mode even while the model trains (Keras 3), so
    // fine-tuning a model does not disturb its statistics.
    if (!step.training() || !trainable()) {
      backend.batchNormApply(
          x.buffer(),
          rows,
          cols,
          movingMean.value().buffer(),
          movingVariance.value().buffer(),
          g,
          b,
          epsilon,
          y.buffer());
      // The gradient still flows to the layers below (fine-tuning them under a frozen
      // BatchNormalization): dx = dy * gamma / sqrt(moving_variance + eps), which is the same
      // apply with a zero mean and a zero offset.
      step.record(
          () -> {
            if (y.grad() == null || !x.requiresGrad()) return;
            Tensor dx = step.allocate(x.shape());
            DeviceBuffer zeros = constant(step, cols, 0f);
            backend.batchNormApply(
                y.grad().buffer(),
                rows,
                cols,
                zeros,
                movingVariance.value().buffer(),
                g,
                zeros,
                epsilon,
                dx.buffer());
            step.accumulateGrad(x, dx);
          });
      return y;
    }
    Tensor mean = step.allocate(Shape.of(cols), false);
    Tensor variance = step.allocate(Shape.of(cols), false);
    backend.batchNormTraining(
        x.buffer(), rows, cols, g, b, epsilon, mean.buffer(), variance.buffer(), y.buffer());
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
              g,
              epsilon,
              dx.buffer(),
              gamma != null ? step.gradient(gamma).buffer() : scratch(step, cols),
              beta != null ? step.gradient(beta).buffer() : scratch(step, cols));
          step.accumulateGrad(x, dx);
        });
    return y;
  }

  /**
   * {@code rows x cols} values of {@code x} normalized per column by the moving statistics into
   * {@code y}, for {@link BatchNormFold}: with {@code shift}, {@code (x - mean) * s + beta} (the
   * folded bias); without, {@code x * s} (the folded kernel); {@code s = gamma / sqrt(variance +
   * epsilon)}.
   */
  void normalizeByMovingStatistics(
      Step step, DeviceBuffer x, int rows, boolean shift, DeviceBuffer y) {
    int cols = movingMean.shape().dim(0);
    DeviceBuffer zeros = constant(step, cols, 0f);
    step.backend()
        .batchNormApply(
            x,
            rows,
            cols,
            shift ? movingMean.value().buffer() : zeros,
            movingVariance.value().buffer(),
            gamma != null ? gamma.value().buffer() : constant(step, cols, 1f),
            shift && beta != null ? beta.value().buffer() : zeros,
            epsilon,
            y);
  }

  /** The output is a new buffer; the backward reads the input, the statistics and the gradient. */
  @Override
  public boolean outputOverwritable() {
    return true;
  }

  /** {@code cols} copies of {@code value}, freed with the step. */
  private static DeviceBuffer constant(Step step, int cols, float value) {
    Tensor t = step.allocate(Shape.of(cols), false);
    step.backend().fill(t.buffer(), 0, cols, value);
    return t.buffer();
  }

  /** A gradient nobody reads (of a gamma or beta the layer does not have). */
  private static DeviceBuffer scratch(Step step, int cols) {
    return step.allocate(Shape.of(cols), false).buffer();
  }
}
