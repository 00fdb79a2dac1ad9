package org.cnn4j.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Differentiable tensor operations, in the spirit of Keras' {@code keras.ops}: each computes on the
 * step's backend and records its backward on the step's tape, so a custom layer, loss or metric
 * written with them needs only its forward. Shapes include the batch axis; axes count from it (0)
 * and may be negative (-1 is the last). Binary operations broadcast as NumPy does.
 *
 * <pre>{@code
 * // A learnable PReLU's forward: relu(x) - alpha * relu(-x)
 * Tensor a = step.param(alpha);
 * Tensor y = Ops.subtract(Ops.relu(x), Ops.multiply(a, Ops.relu(Ops.negative(x))));
 * }</pre>
 *
 * Every operand must belong to a forward pass ({@link Tensor#step()}): the tensors a layer
 * receives, those ops return, and parameters through {@link Step#param}.
 */
public final class Ops {
  private Ops() {}

  // ---------------------------------------------------------------- plumbing

  private static Step stepOf(Tensor... ts) {
    for (Tensor t : ts) if (t.step() != null) return t.step();
    throw new IllegalArgumentException(
        "ops need tensors of a forward pass (a layer's inputs, an op's result, or step.param(p))");
  }

  /** A tensor of {@code shape} filled with {@code value}, in {@code step}; no gradient. */
  public static Tensor full(Step step, Shape shape, double value) {
    Tensor t = step.allocate(shape, false);
    step.backend().fill(t.buffer(), 0, t.size(), (float) value);
    return t;
  }

  /** A scalar constant (shape {@code (1)}) that broadcasts against any tensor. */
  public static Tensor scalar(Step step, double value) {
    return full(step, Shape.of(1), value);
  }

  private static Tensor newOutput(Step step, Shape shape, boolean grad) {
    return step.allocate(shape, grad);
  }

  private static boolean needs(Tensor... ts) {
    for (Tensor t : ts) if (t.requiresGrad()) return true;
    return false;
  }

  // ---------------------------------------------------------------- element-wise, one operand

  private static Tensor unary(UnaryOp op, float alpha, Tensor x) {
    Step step = stepOf(x);
    Backend b = step.backend();
    Tensor y = newOutput(step, x.shape(), x.requiresGrad());
    b.unary(op, alpha, x.buffer(), y.buffer(), x.size());
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dx = step.allocate(x.shape());
            b.unaryBackward(
                op, alpha, x.buffer(), y.buffer(), y.grad().buffer(), dx.buffer(), x.size());
            step.accumulateGrad(x, dx);
          });
    }
    return y;
  }

  private static Tensor activation(ActivationKind kind, float alpha, Tensor x) {
    Step step = stepOf(x);
    Backend b = step.backend();
    Tensor y = newOutput(step, x.shape(), x.requiresGrad());
    b.activationForward(kind, alpha, x.buffer(), y.buffer(), x.size());
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dx = step.allocate(x.shape());
            b.activationBackward(
                kind, alpha, x.buffer(), y.buffer(), y.grad().buffer(), dx.buffer(), x.size());
            step.accumulateGrad(x, dx);
          });
    }
    return y;
  }

  /** {@code -x}, as Keras' {@code ops.negative}. */
  public static Tensor negative(Tensor x) {
    return unary(UnaryOp.NEG, 0f, x);
  }

  /** {@code |x|}, as Keras' {@code ops.abs}. */
  public static Tensor abs(Tensor x) {
    return unary(UnaryOp.ABS, 0f, x);
  }

  /**
   * 1, -1 or 0 by the sign of {@code x} (NaN stays NaN), as Keras' {@code ops.sign}; no gradient
   * flows through it.
   */
  public static Tensor sign(Tensor x) {
    return unary(UnaryOp.SIGN, 0f, x);
  }

  /** {@code x * x}, as Keras' {@code ops.square}. */
  public static Tensor square(Tensor x) {
    return unary(UnaryOp.SQUARE, 0f, x);
  }

  /** The square root, as Keras' {@code ops.sqrt}. */
  public static Tensor sqrt(Tensor x) {
    return unary(UnaryOp.SQRT, 0f, x);
  }

  /** {@code 1 / sqrt(x)}, as Keras' {@code ops.rsqrt}. */
  public static Tensor rsqrt(Tensor x) {
    return unary(UnaryOp.RSQRT, 0f, x);
  }

  /** {@code 1 / x}, as Keras' {@code ops.reciprocal}. */
  public static Tensor reciprocal(Tensor x) {
    return unary(UnaryOp.RECIPROCAL, 0f, x);
  }

  /** {@code e ^ x}, as Keras' {@code ops.exp}. */
  public static Tensor exp(Tensor x) {
    return unary(UnaryOp.EXP, 0f, x);
  }

  /** The natural logarithm. */
  public static Tensor log(Tensor x) {
    return unary(UnaryOp.LOG, 0f, x);
  }

  /** {@code x ^ exponent}. */
  public static Tensor power(Tensor x, double exponent) {
    return unary(UnaryOp.POW, (float) exponent, x);
  }

  /** The sine (radians), as Keras' {@code ops.sin}. */
  public static Tensor sin(Tensor x) {
    return unary(UnaryOp.SIN, 0f, x);
  }

  /** The cosine (radians), as Keras' {@code ops.cos}. */
  public static Tensor cos(Tensor x) {
    return unary(UnaryOp.COS, 0f, x);
  }

  /** {@code max(x, 0)}, as Keras' {@code ops.relu}. */
  public static Tensor relu(Tensor x) {
    return activation(ActivationKind.RELU, 0f, x);
  }

  /** {@code 1 / (1 + e ^ -x)}, as Keras' {@code ops.sigmoid}. */
  public static Tensor sigmoid(Tensor x) {
    return activation(ActivationKind.SIGMOID, 0f, x);
  }

  /** The hyperbolic tangent, as Keras' {@code ops.tanh}. */
  public static Tensor tanh(Tensor x) {
    return activation(ActivationKind.TANH, 0f, x);
  }

  /** {@code ln(1 + e ^ x)}, as Keras' {@code ops.softplus}. */
  public static Tensor softplus(Tensor x) {
    return activation(ActivationKind.SOFTPLUS, 0f, x);
  }

  /** {@code x * sigmoid(x)}. */
  public static Tensor silu(Tensor x) {
    return activation(ActivationKind.SILU, 0f, x);
  }

  /** Keras' exact GELU. */
  public static Tensor gelu(Tensor x) {
    return activation(ActivationKind.GELU, 0f, x);
  }

  /** {@code min(max(x, low), high)}, as Keras' {@code ops.clip}. */
  public static Tensor clip(Tensor x, double low, double high) {
    if (!(low <= high)) throw new IllegalArgumentException("clip: low " + low + " > high " + high);
    Step step = stepOf(x);
    return minimum(maximum(x, scalar(step, low)), scalar(step, high));
  }

  // ---------------------------------------------------------------- element-wise, two operands

  /** The shape two operands broadcast to, or an error naming both. */
  static Shape broadcastShape(String op, Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.rank() ? 1 : a.dim(i - (rank - a.rank()));
      int db = i < rank - b.rank() ? 1 : b.dim(i - (rank - b.rank()));
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            op + ": shapes " + a + " and " + b + " do not broadcast (sizes must match or be 1)");
      }
      out[i] = Math.max(da, db);
    }
    return Shape.of(out);
  }

  /** How a tensor of {@code shape} reads as {@code out}: stride 0 on its broadcast axes. */
  static StridedView broadcastView(Shape shape, Shape out) {
    int rank = out.rank();
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

  /** The gradient of the broadcast shape summed back to {@code shape}. */
  private static Tensor sumTo(Step step, Tensor grad, Shape shape) {
    List<Integer> axes = new ArrayList<>();
    Shape out = grad.shape();
    for (int i = 0; i < out.rank(); i++) {
      int k = i - (out.rank() - shape.rank());
      int d = k < 0 ? 1 : shape.dim(k);
      if (d == 1 && out.dim(i) != 1) axes.add(i);
    }
    if (axes.isEmpty()) return grad.view(shape);
    Tensor r = step.allocate(shape);
    step.backend()
        .reduce(
            ReduceOp.SUM,
            grad.buffer(),
            out.dims(),
            axes.stream().mapToInt(Integer::intValue).toArray(),
            1f,
            r.buffer());
    return r;
  }

  private static Tensor expand(Step step, Tensor x, Shape out) {
    if (x.shape().equals(out)) return x;
    Tensor full = step.allocate(out, false);
    step.backend()
        .copyStrided(
            x.buffer(),
            broadcastView(x.shape(), out),
            full.buffer(),
            StridedView.contiguous(out.dims()));
    return full;
  }

  private static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
    Step step = stepOf(a, b);
    Backend backend = step.backend();
    Shape out = broadcastShape(op.name().toLowerCase(), a.shape(), b.shape());
    boolean grad = !op.comparison() && needs(a, b);
    Tensor y = newOutput(step, out, grad);
    if (a.shape().equals(b.shape())) {
      backend.binary(op, a.buffer(), b.buffer(), y.buffer(), y.size());
    } else {
      backend.binaryBroadcast(
          op,
          a.buffer(),
          broadcastView(a.shape(), out),
          b.buffer(),
          broadcastView(b.shape(), out),
          y.buffer(),
          0);
    }
    if (grad) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor fa = expand(step, a, out);
            Tensor fb = expand(step, b, out);
            Tensor da = a.requiresGrad() ? step.allocate(out) : null;
            Tensor db = b.requiresGrad() ? step.allocate(out) : null;
            backend.binaryBackward(
                op,
                fa.buffer(),
                fb.buffer(),
                y.grad().buffer(),
                da == null ? null : da.buffer(),
                db == null ? null : db.buffer(),
                y.size());
            if (da != null) step.accumulateGrad(a, sumTo(step, da, a.shape()));
            if (db != null) step.accumulateGrad(b, sumTo(step, db, b.shape()));
          });
    }
    return y;
  }

  /** {@code a + b}, broadcast. */
  public static Tensor add(Tensor a, Tensor b) {
    return binary(BinaryOp.ADD, a, b);
  }

  /** {@code a + b} with a scalar {@code b}. */
  public static Tensor add(Tensor a, double b) {
    return add(a, scalar(stepOf(a), b));
  }

  /** {@code a - b}, broadcast. */
  public static Tensor subtract(Tensor a, Tensor b) {
    return binary(BinaryOp.SUB, a, b);
  }

  /** {@code a - b} with a scalar {@code b}. */
  public static Tensor subtract(Tensor a, double b) {
    return subtract(a, scalar(stepOf(a), b));
  }

  /** {@code a - b} with a scalar first: {@code 1 - p} is {@code subtract(1, p)}. */
  public static Tensor subtract(double a, Tensor b) {
    return subtract(scalar(stepOf(b), a), b);
  }

  /** {@code a * b} element-wise, broadcast. */
  public static Tensor multiply(Tensor a, Tensor b) {
    return binary(BinaryOp.MUL, a, b);
  }

  /** {@code a * b} with a scalar {@code b}. */
  public static Tensor multiply(Tensor a, double b) {
    return multiply(a, scalar(stepOf(a), b));
  }

  /** {@code a / b} element-wise, broadcast. */
  public static Tensor divide(Tensor a, Tensor b) {
    return binary(BinaryOp.DIV, a, b);
  }

  /** {@code a / b} with a scalar {@code b}. */
  public static Tensor divide(Tensor a, double b) {
    return divide(a, scalar(stepOf(a), b));
  }

  /**
   * The larger of {@code a} and {@code b} element-wise, broadcast; NaN where either is NaN (as
   * Keras' {@code ops.maximum}).
   */
  public static Tensor maximum(Tensor a, Tensor b) {
    return binary(BinaryOp.MAX, a, b);
  }

  /**
   * The smaller of {@code a} and {@code b} element-wise, broadcast; NaN where either is NaN (as
   * Keras' {@code ops.minimum}).
   */
  public static Tensor minimum(Tensor a, Tensor b) {
    return binary(BinaryOp.MIN, a, b);
  }

  /** {@code a ^ b} element-wise. */
  public static Tensor power(Tensor a, Tensor b) {
    return binary(BinaryOp.POW, a, b);
  }

  /** 1 where {@code a > b}, else 0 (no gradient). */
  public static Tensor greater(Tensor a, Tensor b) {
    return binary(BinaryOp.GREATER, a, b);
  }

  /** 1 where {@code a >= b}, else 0 (no gradient). */
  public static Tensor greaterEqual(Tensor a, Tensor b) {
    return binary(BinaryOp.GREATER_EQUAL, a, b);
  }

  /** 1 where {@code a < b}, else 0 (no gradient). */
  public static Tensor less(Tensor a, Tensor b) {
    return binary(BinaryOp.LESS, a, b);
  }

  /** 1 where {@code a <= b}, else 0 (no gradient). */
  public static Tensor lessEqual(Tensor a, Tensor b) {
    return binary(BinaryOp.LESS_EQUAL, a, b);
  }

  /** 1 where {@code a == b}, else 0 (no gradient). */
  public static Tensor equal(Tensor a, Tensor b) {
    return binary(BinaryOp.EQUAL, a, b);
  }

  /** 1 where {@code a != b} (and where either is NaN), else 0 (no gradient). */
  public static Tensor notEqual(Tensor a, Tensor b) {
    return binary(BinaryOp.NOT_EQUAL, a, b);
  }

  /**
   * {@code condition ? a : b} element-wise, condition being 1 or 0 (a comparison's result): {@code
   * condition * a + (1 - condition) * b}, so the gradient flows to the chosen side.
   */
  public static Tensor where(Tensor condition, Tensor a, Tensor b) {
    Tensor notCondition = subtract(1.0, condition);
    return add(multiply(condition, a), multiply(notCondition, b));
  }

  /**
   * One-hot rows for class indices, as {@code ops.one_hot}: {@code indices} of shape {@code [...,
   * 1]} (or {@code [...]}) gives {@code [..., classes]} with 1 at each index; no gradient.
   */
  public static Tensor oneHot(Tensor indices, int classes) {
    Step step = stepOf(indices);
    Shape s = indices.shape();
    int[] dims = s.dims();
    if (dims[dims.length - 1] != 1) {
      int[] more = java.util.Arrays.copyOf(dims, dims.length + 1);
      more[dims.length] = 1;
      dims = more;
    }
    Tensor column = indices.view(Shape.of(dims));
    Tensor iota = step.allocate(Shape.of(classes), false);
    float[] values = new float[classes];
    for (int i = 0; i < classes; i++) values[i] = i;
    step.backend().upload(values, 0, iota.buffer(), 0, classes);
    return equal(column, iota);
  }

  // ---------------------------------------------------------------- reductions

  private static int[] normalizeAxes(String op, Shape shape, int... axes) {
    int rank = shape.rank();
    if (axes.length == 0) {
      int[] all = new int[rank];
      for (int i = 0; i < rank; i++) all[i] = i;
      return all;
    }
    int[] out = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      int a = axes[i] < 0 ? rank + axes[i] : axes[i];
      if (a < 0 || a >= rank) {
        throw new IllegalArgumentException(
            op + ": axis " + axes[i] + " is outside a tensor of shape " + shape);
      }
      out[i] = a;
    }
    Arrays.sort(out);
    for (int i = 1; i < out.length; i++) {
      if (out[i] == out[i - 1]) throw new IllegalArgumentException(op + ": axis given twice");
    }
    return out;
  }

  /** The shape after reducing {@code axes}, with or without them kept as size 1. */
  private static Shape reducedShape(Shape shape, int[] axes, boolean keepdims) {
    List<Integer> dims = new ArrayList<>();
    for (int i = 0; i < shape.rank(); i++) {
      boolean reduced = Arrays.binarySearch(axes, i) >= 0;
      if (!reduced) dims.add(shape.dim(i));
      else if (keepdims) dims.add(1);
    }
    if (dims.isEmpty()) dims.add(1);
    return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The sum over {@code axes} (every axis when none are given), as {@code ops.sum}. */
  public static Tensor sum(Tensor x, boolean keepdims, int... axes) {
    return sumOrMean(x, keepdims, false, axes);
  }

  /** The sum over {@code axes} (every axis when none are given), the axes removed. */
  public static Tensor sum(Tensor x, int... axes) {
    return sum(x, false, axes);
  }

  /** The mean over {@code axes} (every axis when none are given), as {@code ops.mean}. */
  public static Tensor mean(Tensor x, boolean keepdims, int... axes) {
    return sumOrMean(x, keepdims, true, axes);
  }

  /** The mean over {@code axes} (every axis when none are given), the axes removed. */
  public static Tensor mean(Tensor x, int... axes) {
    return mean(x, false, axes);
  }

  private static Tensor sumOrMean(Tensor x, boolean keepdims, boolean mean, int... axes) {
    Step step = stepOf(x);
    Backend b = step.backend();
    int[] ax = normalizeAxes(mean ? "mean" : "sum", x.shape(), axes);
    long count = 1;
    for (int a : ax) count *= x.shape().dim(a);
    float scale = mean ? (float) (1.0 / count) : 1f;
    Shape kept = reducedShape(x.shape(), ax, true);
    Tensor y = newOutput(step, reducedShape(x.shape(), ax, keepdims), x.requiresGrad());
    b.reduce(ReduceOp.SUM, x.buffer(), x.shape().dims(), ax, scale, y.buffer());
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dx = step.allocate(x.shape());
            b.copyStrided(
                y.grad().buffer(),
                broadcastView(kept, x.shape()),
                dx.buffer(),
                StridedView.contiguous(x.shape().dims()));
            if (scale != 1f) b.axpby(scale, dx.buffer(), 0f, dx.buffer(), dx.size());
            step.accumulateGrad(x, dx);
          });
    }
    return y;
  }

  /** The maximum over {@code axes}; its gradient is shared among tied maxima (as TensorFlow). */
  public static Tensor max(Tensor x, boolean keepdims, int... axes) {
    return extreme(ReduceOp.MAX, x, keepdims, axes);
  }

  /** The minimum over {@code axes}; its gradient is shared among tied minima. */
  public static Tensor min(Tensor x, boolean keepdims, int... axes) {
    return extreme(ReduceOp.MIN, x, keepdims, axes);
  }

  private static Tensor extreme(ReduceOp op, Tensor x, boolean keepdims, int... axes) {
    Step step = stepOf(x);
    Backend b = step.backend();
    int[] ax = normalizeAxes(op.name().toLowerCase(), x.shape(), axes);
    Shape kept = reducedShape(x.shape(), ax, true);
    Tensor y = newOutput(step, reducedShape(x.shape(), ax, keepdims), false);
    b.reduce(op, x.buffer(), x.shape().dims(), ax, 1f, y.buffer());
    if (!x.requiresGrad() || !step.recording()) return y;
    // y as a function of x: mask / count * y, the mask the positions equal to the extreme, so the
    // ops' backward shares dy among ties.
    Tensor yKept = y.view(kept);
    Tensor mask = equal(x, yKept);
    Tensor count = sum(mask, true, ax);
    Tensor weights = divide(mask, count);
    return sum(multiply(weights, x), keepdims, ax);
  }

  /** The position of the maximum along {@code axis} (a float index; no gradient). */
  public static Tensor argmax(Tensor x, int axis) {
    return argReduce(ReduceOp.ARGMAX, x, axis);
  }

  /** The position of the minimum along {@code axis} (a float index; no gradient). */
  public static Tensor argmin(Tensor x, int axis) {
    return argReduce(ReduceOp.ARGMIN, x, axis);
  }

  private static Tensor argReduce(ReduceOp op, Tensor x, int axis) {
    Step step = stepOf(x);
    int[] ax = normalizeAxes(op.name().toLowerCase(), x.shape(), axis);
    Tensor y = newOutput(step, reducedShape(x.shape(), ax, false), false);
    step.backend().reduce(op, x.buffer(), x.shape().dims(), ax, 1f, y.buffer());
    return y;
  }

  /** {@code log(sum(exp(x)))} over {@code axes}, computed stably (the maximum subtracted first). */
  public static Tensor logsumexp(Tensor x, boolean keepdims, int... axes) {
    Step step = stepOf(x);
    int[] ax = normalizeAxes("logsumexp", x.shape(), axes);
    Tensor m = step.withoutTape(() -> max(x, true, ax));
    Tensor shifted = exp(subtract(x, m));
    Tensor lse = add(log(sum(shifted, true, ax)), m);
    return keepdims ? lse : reshape(lse, reducedShape(x.shape(), ax, false).dims());
  }

  // ---------------------------------------------------------------- shape

  /** The same values in another shape (one size may be -1), as {@code ops.reshape}. */
  public static Tensor reshape(Tensor x, int... shape) {
    int free = -1;
    long known = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == -1) {
        if (free >= 0) throw new IllegalArgumentException("reshape: at most one -1");
        free = i;
      } else known *= shape[i];
    }
    int[] dims = shape.clone();
    if (free >= 0) dims[free] = (int) (x.size() / known);
    Shape out = Shape.of(dims);
    if (out.size() != x.size()) {
      throw new IllegalArgumentException(
          "reshape: cannot view " + x.shape() + " as " + Arrays.toString(shape));
    }
    Step step = stepOf(x);
    Tensor y = x.view(out);
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() != null) step.accumulateGrad(x, y.grad().view(x.shape()));
          });
    }
    return y;
  }

  /** The axes in the order {@code perm} (a permutation of 0..rank-1), as {@code ops.transpose}. */
  public static Tensor transpose(Tensor x, int... perm) {
    int rank = x.shape().rank();
    if (perm.length != rank) {
      throw new IllegalArgumentException(
          "transpose: " + Arrays.toString(perm) + " is not a permutation of " + rank + " axes");
    }
    int[] inverse = new int[rank];
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]]) {
        throw new IllegalArgumentException("transpose: bad permutation " + Arrays.toString(perm));
      }
      seen[perm[i]] = true;
      inverse[perm[i]] = i;
    }
    Step step = stepOf(x);
    Tensor y = newOutput(step, permuted(x.shape(), perm), x.requiresGrad());
    step.backend()
        .copyStrided(
            x.buffer(),
            permutedView(x.shape(), perm),
            y.buffer(),
            StridedView.contiguous(y.shape().dims()));
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dx = step.allocate(x.shape());
            step.backend()
                .copyStrided(
                    y.grad().buffer(),
                    permutedView(y.shape(), inverse),
                    dx.buffer(),
                    StridedView.contiguous(x.shape().dims()));
            step.accumulateGrad(x, dx);
          });
    }
    return y;
  }

  private static Shape permuted(Shape s, int[] perm) {
    int[] d = new int[perm.length];
    for (int i = 0; i < perm.length; i++) d[i] = s.dim(perm[i]);
    return Shape.of(d);
  }

  private static StridedView permutedView(Shape s, int[] perm) {
    long[] strides = StridedView.contiguous(s.dims()).strides();
    long[] out = new long[perm.length];
    for (int i = 0; i < perm.length; i++) out[i] = strides[perm[i]];
    return new StridedView(0, permuted(s, perm).dims(), out);
  }

  /**
   * The block starting at {@code start} of sizes {@code size} (one per axis), as {@code ops.slice}.
   */
  public static Tensor slice(Tensor x, int[] start, int[] size) {
    Shape s = x.shape();
    if (start.length != s.rank() || size.length != s.rank()) {
      throw new IllegalArgumentException("slice: give a start and a size per axis of " + s);
    }
    long[] strides = StridedView.contiguous(s.dims()).strides();
    long offset = 0;
    for (int i = 0; i < start.length; i++) {
      if (start[i] < 0 || size[i] < 1 || start[i] + size[i] > s.dim(i)) {
        throw new IllegalArgumentException(
            "slice: start "
                + Arrays.toString(start)
                + " size "
                + Arrays.toString(size)
                + " is outside "
                + s);
      }
      offset += start[i] * strides[i];
    }
    StridedView window = new StridedView(offset, size, strides);
    Step step = stepOf(x);
    Tensor y = newOutput(step, Shape.of(size), x.requiresGrad());
    step.backend().copyStrided(x.buffer(), window, y.buffer(), StridedView.contiguous(size));
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dx = step.allocate(s);
            step.backend().fill(dx.buffer(), 0, dx.size(), 0f);
            step.backend()
                .copyStrided(y.grad().buffer(), StridedView.contiguous(size), dx.buffer(), window);
            step.accumulateGrad(x, dx);
          });
    }
    return y;
  }

  /** Joins tensors along {@code axis}; every other size must match, as {@code ops.concatenate}. */
  public static Tensor concatenate(int axis, Tensor... xs) {
    if (xs.length == 0) throw new IllegalArgumentException("concatenate: no tensors");
    Shape first = xs[0].shape();
    int a = axis < 0 ? first.rank() + axis : axis;
    if (a < 0 || a >= first.rank()) {
      throw new IllegalArgumentException("concatenate: axis " + axis + " outside " + first);
    }
    int[] out = first.dims();
    out[a] = 0;
    for (Tensor t : xs) {
      Shape s = t.shape();
      boolean fits = s.rank() == first.rank();
      for (int i = 0; fits && i < s.rank(); i++) fits = i == a || s.dim(i) == first.dim(i);
      if (!fits) {
        throw new IllegalArgumentException(
            "concatenate: shapes "
                + Arrays.stream(xs).map(Tensor::shape).toList()
                + " differ outside axis "
                + axis);
      }
      out[a] += s.dim(a);
    }
    Step step = stepOf(xs);
    Shape outShape = Shape.of(out);
    Tensor y = newOutput(step, outShape, needs(xs));
    long inner = 1;
    for (int i = a + 1; i < out.length; i++) inner *= out[i];
    long outer = outShape.size() / (out[a] * inner);
    List<StridedView> slices = new ArrayList<>();
    int offset = 0;
    for (Tensor t : xs) {
      int len = t.shape().dim(a);
      StridedView slice =
          new StridedView(
              offset * inner,
              new int[] {(int) outer, len, (int) inner},
              new long[] {out[a] * inner, inner, 1});
      slices.add(slice);
      step.backend()
          .copyStrided(t.buffer(), StridedView.contiguous(slice.shape()), y.buffer(), slice);
      offset += len;
    }
    if (needs(xs)) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            for (int i = 0; i < xs.length; i++) {
              if (!xs[i].requiresGrad()) continue;
              Tensor dx = step.allocate(xs[i].shape());
              step.backend()
                  .copyStrided(
                      y.grad().buffer(),
                      slices.get(i),
                      dx.buffer(),
                      StridedView.contiguous(slices.get(i).shape()));
              step.accumulateGrad(xs[i], dx);
            }
          });
    }
    return y;
  }

  /** The softmax along {@code axis}, as {@code ops.softmax}. */
  public static Tensor softmax(Tensor x, int axis) {
    int rank = x.shape().rank();
    int a = axis < 0 ? rank + axis : axis;
    if (a < 0 || a >= rank)
      throw new IllegalArgumentException("softmax: axis " + axis + " outside " + x.shape());
    if (a != rank - 1) {
      int[] perm = new int[rank];
      for (int i = 0; i < rank; i++) perm[i] = i;
      perm[a] = rank - 1;
      perm[rank - 1] = a;
      return transpose(softmax(transpose(x, perm), -1), perm);
    }
    Step step = stepOf(x);
    Backend b = step.backend();
    int cols = x.shape().dim(-1);
    int rows = (int) (x.size() / cols);
    Tensor y = newOutput(step, x.shape(), x.requiresGrad());
    b.softmax(x.buffer(), y.buffer(), rows, cols);
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dx = step.allocate(x.shape());
            b.softmaxBackward(y.buffer(), y.grad().buffer(), dx.buffer(), rows, cols);
            step.accumulateGrad(x, dx);
          });
    }
    return y;
  }

  /**
   * Matrix product over the last two axes, as {@code ops.matmul}: {@code [.., m, k] x [.., k, n]}
   * gives {@code [.., m, n]}, the leading axes equal (a batch of products) or absent on b (one
   * matrix for every a).
   */
  public static Tensor matmul(Tensor a, Tensor b) {
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (sa.rank() < 2 || sb.rank() < 2 || sa.dim(-1) != sb.dim(-2)) {
      throw new IllegalArgumentException(
          "matmul: shapes " + sa + " and " + sb + " do not multiply");
    }
    int m = sa.dim(-2);
    int k = sa.dim(-1);
    int n = sb.dim(-1);
    long batchA = sa.size() / ((long) m * k);
    long batchB = sb.size() / ((long) k * n);
    boolean shared = sb.rank() == 2;
    if (!shared && batchA != batchB) {
      throw new IllegalArgumentException("matmul: batch axes of " + sa + " and " + sb + " differ");
    }
    int[] outDims = sa.dims();
    outDims[outDims.length - 1] = n;
    Step step = stepOf(a, b);
    Backend be = step.backend();
    Tensor y = newOutput(step, Shape.of(outDims), needs(a, b));
    int batch = (int) batchA;
    if (shared) {
      // [batch * m, k] x [k, n]: one GEMM.
      be.gemm(
          false,
          false,
          batch * m,
          n,
          k,
          1f,
          a.buffer(),
          0,
          k,
          b.buffer(),
          0,
          n,
          0f,
          y.buffer(),
          0,
          n);
    } else {
      be.gemmStridedBatched(
          false,
          false,
          m,
          n,
          k,
          1f,
          a.buffer(),
          0,
          k,
          (long) m * k,
          b.buffer(),
          0,
          n,
          (long) k * n,
          0f,
          y.buffer(),
          0,
          n,
          (long) m * n,
          batch);
    }
    if (needs(a, b)) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dy = y.grad();
            if (a.requiresGrad()) {
              Tensor da = step.allocate(sa);
              if (shared)
                be.gemm(
                    false,
                    true,
                    batch * m,
                    k,
                    n,
                    1f,
                    dy.buffer(),
                    0,
                    n,
                    b.buffer(),
                    0,
                    n,
                    0f,
                    da.buffer(),
                    0,
                    k);
              else
                be.gemmStridedBatched(
                    false,
                    true,
                    m,
                    k,
                    n,
                    1f,
                    dy.buffer(),
                    0,
                    n,
                    (long) m * n,
                    b.buffer(),
                    0,
                    n,
                    (long) k * n,
                    0f,
                    da.buffer(),
                    0,
                    k,
                    (long) m * k,
                    batch);
              step.accumulateGrad(a, da);
            }
            if (b.requiresGrad()) {
              Tensor db = step.allocate(sb);
              if (shared)
                be.gemm(
                    true,
                    false,
                    k,
                    n,
                    batch * m,
                    1f,
                    a.buffer(),
                    0,
                    k,
                    dy.buffer(),
                    0,
                    n,
                    0f,
                    db.buffer(),
                    0,
                    n);
              else
                be.gemmStridedBatched(
                    true,
                    false,
                    k,
                    n,
                    m,
                    1f,
                    a.buffer(),
                    0,
                    k,
                    (long) m * k,
                    dy.buffer(),
                    0,
                    n,
                    (long) m * n,
                    0f,
                    db.buffer(),
                    0,
                    n,
                    (long) k * n,
                    batch);
              step.accumulateGrad(b, db);
            }
          });
    }
    return y;
  }
}
