package org.cnn4j.layers;

import java.util.Objects;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * What Dropout (with or without a noise shape) and StochasticDepth share: a mask of 0 (probability
 * {@code rate}) or {@code 1 / (1 - rate)}, drawn over a shape that broadcasts to the input's (size
 * 1 along the axes where one draw serves every position), multiplied in, and the same mask applied
 * to the gradient.
 *
 * <p>Element i of the mask is {@code DropoutRng.uniform(seed, i)}. A slice of a batch split across
 * lanes starting at row {@code first} shifts the seed by {@code first * (mask size per row) *
 * golden}, so the slices draw the whole batch's mask; a mask shared by the whole batch (batch axis
 * 1) is drawn unshifted by every slice.
 */
final class DropMask {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private DropMask() {}

  /**
   * {@code x * mask}, recording the backward.
   *
   * @param maskShape the mask's shape with the batch axis: each size equal to x's or 1
   */
  static Tensor apply(Step step, Layer layer, Tensor x, float rate, Shape maskShape) {
    Backend backend = step.backend();
    long maskSize = maskShape.size();
    Tensor mask = step.allocate(maskShape, false);
    long perRow = maskSize / maskShape.dim(0);
    long first = maskShape.dim(0) == 1 ? 0 : (long) step.firstRow() * perRow;
    long seed = step.seed() ^ (long) Objects.hashCode(layer.name()) * GOLDEN;
    backend.dropoutMask(seed + first * GOLDEN, rate, mask.buffer(), maskSize);
    Tensor y = step.allocate(x.shape());
    multiply(backend, x, mask, y);
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(x.shape());
          multiply(backend, y.grad(), mask, dx);
          step.accumulateGrad(x, dx);
        });
    return y;
  }

  /** {@code out = a * mask}, the mask broadcast to a's shape. */
  private static void multiply(Backend backend, Tensor a, Tensor mask, Tensor out) {
    if (mask.shape().equals(a.shape())) {
      backend.binary(BinaryOp.MUL, a.buffer(), mask.buffer(), out.buffer(), a.size());
      return;
    }
    backend.binaryBroadcast(
        BinaryOp.MUL,
        a.buffer(),
        StridedView.contiguous(a.shape().dims()),
        mask.buffer(),
        Broadcast.view(mask.shape(), a.shape()),
        out.buffer(),
        0);
  }
}
