package org.cnn4j.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * ConvNeXt's {@code LayerScale(init_values, projection_dim)} (keras/src/applications/convnext.py,
 * after Touvron et al. 2021): multiplies the last axis by a trainable {@code gamma} of {@code
 * projection_dim} values, all {@code init_values} at first (1e-6 in ConvNeXt, so each residual
 * branch starts near zero). Shapes: x {@code (None, ..., projection_dim)}, y like x.
 */
public final class LayerScale extends Layer {
  private final double initValues;
  private final int projectionDim;
  private Parameter gamma;

  /**
   * A layer scale.
   *
   * @param initValues every gamma value at first (Keras' {@code init_values}), finite
   * @param projectionDim the size of the last axis (Keras' {@code projection_dim}), >= 1
   */
  public LayerScale(double initValues, int projectionDim) {
    if (!Double.isFinite(initValues)) {
      throw new IllegalArgumentException("LayerScale: init_values must be finite");
    }
    if (projectionDim < 1) {
      throw new IllegalArgumentException(
          "LayerScale: projection_dim must be >= 1, got " + projectionDim);
    }
    this.initValues = initValues;
    this.projectionDim = projectionDim;
  }

  /** Gamma's starting value (Keras' {@code init_values}). */
  public double initValues() {
    return initValues;
  }

  /** The size of the last axis, gamma's length (Keras' {@code projection_dim}). */
  public int projectionDim() {
    return projectionDim;
  }

  /** The trainable factors, {@code [projection_dim]}; null until the layer is built. */
  public Parameter gamma() {
    return gamma;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("init_values", initValues);
    c.put("projection_dim", projectionDim);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.dim(-1) != projectionDim) {
      throw badInput(input, "a last axis of projection_dim=" + projectionDim);
    }
    return input;
  }

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    gamma =
        addParameter(
            backend,
            "gamma",
            Shape.of(projectionDim),
            Initializers.constant(projectionDim, (float) initValues),
            true);
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    Backend backend = step.backend();
    int cols = projectionDim;
    int rows = (int) (x.size() / cols);
    Tensor y = step.allocate(x.shape());
    scaleRows(backend, x, gamma.value(), y, rows);
    step.record(
        () -> {
          Tensor dy = y.grad();
          if (dy == null) return;
          // dgamma[c] = sum over rows of dy * x; dx = dy * gamma.
          Tensor product = step.allocate(x.shape(), false);
          backend.binary(BinaryOp.MUL, dy.buffer(), x.buffer(), product.buffer(), x.size());
          backend.reduceMiddle(product.buffer(), 1, rows, cols, 1f, step.gradient(gamma).buffer());
          if (x.requiresGrad()) {
            Tensor dx = step.allocate(x.shape());
            scaleRows(backend, dy, gamma.value(), dx, rows);
            step.accumulateGrad(x, dx);
          }
        });
    return y;
  }

  /** {@code out[r, c] = a[r, c] * g[c]}. */
  private void scaleRows(Backend backend, Tensor a, Tensor g, Tensor out, int rows) {
    backend.binaryBroadcast(
        BinaryOp.MUL,
        a.buffer(),
        StridedView.contiguous(rows, projectionDim),
        g.buffer(),
        new StridedView(0, new int[] {rows, projectionDim}, new long[] {0, 1}),
        out.buffer(),
        0);
  }
}
