package org.cnn4j.spi;

/**
 * The reduction family of the SPI: reductions over axes and over a middle axis, the broadcast back
 * over it, the row softmax and the losses. See {@link MemoryOps}.
 */
public interface ReductionOps {

  /**
   * Reduces a contiguous tensor over some axes: {@code out = scale * op(x over axes)}, out
   * contiguous with the reduced axes removed (or, which is the same layout, kept as size 1). MAX
   * and MIN keep NaN; ARGMAX and ARGMIN give positions ({@link ReduceOp}) and ignore scale. Shapes:
   * x {@code shape}; axes distinct, ascending, each in {@code [0, shape.length)}; out the product
   * of the kept sizes (1 when every axis is reduced).
   */
  void reduce(ReduceOp op, DeviceBuffer x, int[] shape, int[] axes, float scale, DeviceBuffer out);

  /**
   * Sums over the middle axis: {@code out[o, i] = scale * sum_m x[o, m, i]}. Shapes: x {@code
   * [outer, mid, inner]}, out {@code [outer, inner]} (overwritten).
   */
  void reduceMiddle(DeviceBuffer x, int outer, int mid, int inner, float scale, DeviceBuffer out);

  /**
   * Broadcasts over the middle axis: {@code y[o, m, i] = scale * src[o, i] + beta * y[o, m, i]}.
   * Shapes: src {@code [outer, inner]}, y {@code [outer, mid, inner]}; with beta 0, y is not read.
   */
  void broadcastMiddle(
      DeviceBuffer src, int outer, int mid, int inner, float scale, float beta, DeviceBuffer y);

  /** Row softmax, stable for large inputs. Shapes: x and y {@code [rows, cols]}; x may be y. */
  void softmax(DeviceBuffer x, DeviceBuffer y, int rows, int cols);

  /**
   * Gradient of the row softmax from its output: {@code dx = y * (dy - sum(dy * y))} per row.
   * Shapes: all {@code [rows, cols]}.
   */
  void softmaxBackward(DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int rows, int cols);

  /**
   * Per-row loss and, when {@code grad} is not null, {@code grad = gradScale * d loss_r / d pred}.
   * Shapes: pred and grad {@code [rows, cols]}; target {@code [rows]} for sparse kinds else {@code
   * [rows, cols]}; lossPerRow {@code [rows]}.
   */
  void loss(
      LossKind kind,
      DeviceBuffer pred,
      DeviceBuffer target,
      int rows,
      int cols,
      DeviceBuffer lossPerRow,
      DeviceBuffer grad,
      float gradScale);
}
