package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Dropout(rate)}: in training, zeroes a {@code rate} fraction of the inputs and
 * scales the rest by {@code 1 / (1 - rate)}; in inference, the identity. The mask derives from the
 * step's seed and this layer's position, so a run is repeatable on every backend.
 */
public final class Dropout extends Layer {
  private final float rate;

  public Dropout(double rate) {
    if (!(rate >= 0 && rate < 1))
      throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
    this.rate = (float) rate;
  }

  public float rate() {
    return rate;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rate", rate);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    if (!step.training() || rate == 0f) return x;
    var backend = step.backend();
    Tensor mask = step.allocate(x.shape(), false);
    // Element i's draw is DropoutRng.uniform(seed, i); a slice starting at element 'first' of the
    // batch shifts the seed by first * golden, so a split batch draws the whole batch's mask.
    long first = (long) step.firstRow() * (x.size() / x.shape().dim(0));
    long seed = step.seed() ^ (long) java.util.Objects.hashCode(name()) * 0x9E3779B97F4A7C15L;
    backend.dropoutMask(seed + first * 0x9E3779B97F4A7C15L, rate, mask.buffer(), x.size());
    Tensor y = step.allocate(x.shape());
    backend.binary(BinaryOp.MUL, x.buffer(), mask.buffer(), y.buffer(), x.size());
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(x.shape());
          backend.binary(BinaryOp.MUL, y.grad().buffer(), mask.buffer(), dx.buffer(), x.size());
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
