package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code SpatialDropout2D(rate)}: in training, drops whole feature maps (one draw per image
 * and channel, shared by every pixel) and scales the rest by {@code 1 / (1 - rate)}; in inference,
 * the identity. The mask derives from the step's seed and the layer, so split batches draw the
 * whole batch's mask.
 */
public final class SpatialDropout2D extends Layer {
  private final float rate;

  /**
   * Spatial dropout of {@code rate}.
   *
   * @param rate the fraction of feature maps dropped in training, in [0, 1)
   * @throws IllegalArgumentException when {@code rate} is outside [0, 1)
   */
  public SpatialDropout2D(double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("SpatialDropout2D: rate must be in [0, 1), got " + rate);
    }
    this.rate = (float) rate;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rate", (double) rate);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    return input;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    if (!step.training() || rate == 0f) return x;
    var backend = step.backend();
    Shape s = x.shape();
    int n = s.dim(0);
    int c = s.dim(3);
    Tensor mask = step.allocate(Shape.of(n, c), false);
    long seed = step.seed() ^ (long) java.util.Objects.hashCode(name()) * 0x9E3779B97F4A7C15L;
    backend.dropoutMask(
        seed + (long) step.firstRow() * c * 0x9E3779B97F4A7C15L, rate, mask.buffer(), (long) n * c);
    StridedView whole = StridedView.contiguous(s.dims());
    StridedView perMap = new StridedView(0, s.dims(), new long[] {c, 0, 0, 1});
    Tensor y = step.allocate(s);
    backend.binaryBroadcast(BinaryOp.MUL, x.buffer(), whole, mask.buffer(), perMap, y.buffer(), 0);
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(s);
          backend.binaryBroadcast(
              BinaryOp.MUL, y.grad().buffer(), whole, mask.buffer(), perMap, dx.buffer(), 0);
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
