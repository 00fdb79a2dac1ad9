package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * NumPy's broadcasting for the merge layers: the shape two operands combine to, how each is read in
 * that shape (stride 0 along its size-1 axes), and the reduction that takes a gradient of the
 * combined shape back to an operand's. Shapes here include the batch axis.
 */
final class Broadcast {
  private Broadcast() {}

  /**
   * The shape {@code a} and {@code b} broadcast to (sample shapes, no batch axis), or null when
   * they do not: sizes must be equal or 1 along each axis, aligned from the right.
   */
  static Shape of(Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.rank() ? 1 : a.dim(i - (rank - a.rank()));
      int db = i < rank - b.rank() ? 1 : b.dim(i - (rank - b.rank()));
      if (da != db && da != 1 && db != 1) return null;
      out[i] = Math.max(da, db);
    }
    return Shape.of(out);
  }

  /** How a tensor of {@code shape} is read as {@code out} (both with the batch axis). */
  static StridedView view(Shape shape, Shape out) {
    int rank = out.rank();
    if (rank > StridedView.MAX_RANK) {
      throw new IllegalArgumentException(
          "broadcasting handles at most " + (StridedView.MAX_RANK - 1) + " axes per sample");
    }
    long[] strides = new long[rank];
    long s = 1;
    for (int i = rank - 1; i >= 0; i--) {
      int k = i - (rank - shape.rank());
      int d = k < 0 ? 1 : shape.dim(k);
      strides[i] = d == 1 && out.dim(i) != 1 ? 0 : s;
      s *= d;
    }
    return new StridedView(0, out.dims(), strides);
  }

  /**
   * The axes of {@code out} along which {@code shape} is repeated (its gradient sums over them).
   */
  static int[] repeatedAxes(Shape shape, Shape out) {
    List<Integer> axes = new ArrayList<>();
    int rank = out.rank();
    for (int i = 0; i < rank; i++) {
      int k = i - (rank - shape.rank());
      int d = k < 0 ? 1 : shape.dim(k);
      if (d == 1 && out.dim(i) != 1) axes.add(i);
    }
    return axes.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * {@code a op b} with broadcasting, recording the backward: each operand that needs a gradient
   * gets {@code dy * d(a op b)/d(operand)}, summed over the axes it was repeated along.
   */
  static Tensor binary(Step step, BinaryOp op, Tensor a, Tensor b) {
    Backend backend = step.backend();
    boolean same = a.shape().equals(b.shape());
    Shape out = same ? a.shape() : withBatch(a, b);
    Tensor y = step.allocate(out);
    if (same) {
      backend.binary(op, a.buffer(), b.buffer(), y.buffer(), y.size());
    } else {
      backend.binaryBroadcast(
          op, a.buffer(), view(a.shape(), out), b.buffer(), view(b.shape(), out), y.buffer(), 0);
    }
    step.record(
        () -> {
          Tensor dy = y.grad();
          if (dy == null || !(a.requiresGrad() || b.requiresGrad())) return;
          if (op == BinaryOp.ADD) {
            // The sum's gradient is each input's, summed over its broadcast axes: the inputs'
            // values are not read, so a model may free them after the forward (Add).
            if (a.requiresGrad()) step.accumulateGrad(a, reduceTo(step, dy, a.shape()));
            if (b.requiresGrad()) step.accumulateGrad(b, reduceTo(step, dy, b.shape()));
            return;
          }
          Tensor fullA = same ? a : expand(step, a, out);
          Tensor fullB = same ? b : expand(step, b, out);
          Tensor da = a.requiresGrad() ? step.allocate(out) : null;
          Tensor db = b.requiresGrad() ? step.allocate(out) : null;
          backend.binaryBackward(
              op,
              fullA.buffer(),
              fullB.buffer(),
              dy.buffer(),
              da == null ? null : da.buffer(),
              db == null ? null : db.buffer(),
              y.size());
          if (da != null) step.accumulateGrad(a, reduceTo(step, da, a.shape()));
          if (db != null) step.accumulateGrad(b, reduceTo(step, db, b.shape()));
        });
    return y;
  }

  private static Shape withBatch(Tensor a, Tensor b) {
    Shape s = of(a.shape(), b.shape());
    if (s == null) {
      throw new IllegalArgumentException(
          "shapes " + a.shape() + " and " + b.shape() + " do not broadcast");
    }
    return s;
  }

  /** A copy of {@code x} repeated to {@code out}. */
  private static Tensor expand(Step step, Tensor x, Shape out) {
    Tensor full = step.allocate(out, false);
    step.backend()
        .copyStrided(
            x.buffer(), view(x.shape(), out), full.buffer(), StridedView.contiguous(out.dims()));
    return full;
  }

  /** A gradient of the broadcast shape summed back to {@code shape}. */
  static Tensor reduceTo(Step step, Tensor grad, Shape shape) {
    int[] axes = repeatedAxes(shape, grad.shape());
    if (axes.length == 0) return grad.view(shape);
    Tensor r = step.allocate(shape);
    step.backend().reduce(ReduceOp.SUM, grad.buffer(), grad.shape().dims(), axes, 1f, r.buffer());
    return r;
  }

  /** {@code scale * x}, recording the backward. */
  static Tensor scale(Step step, Tensor x, float scale) {
    Tensor y = step.allocate(x.shape());
    step.backend().axpby(scale, x.buffer(), 0f, y.buffer(), x.size());
    step.record(
        () -> {
          if (y.grad() == null || !x.requiresGrad()) return;
          Tensor dx = step.allocate(x.shape());
          step.backend().axpby(scale, y.grad().buffer(), 0f, dx.buffer(), x.size());
          step.accumulateGrad(x, dx);
        });
    return y;
  }
}
