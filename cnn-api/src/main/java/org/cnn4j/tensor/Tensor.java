package org.cnn4j.tensor;

import org.cnn4j.spi.DeviceBuffer;

/**
 * A shaped view of a backend buffer. A tensor made by a {@link Step} is freed when the step closes;
 * a {@link #view reshaped view} shares its buffer and frees nothing. During training the tape
 * stores each tensor's gradient in {@link #grad}.
 */
public final class Tensor {
  private final DeviceBuffer buffer;
  private final Shape shape;
  private final boolean requiresGrad;
  private final Step step;
  private Tensor grad;
  private boolean gradOwned;

  Tensor(DeviceBuffer buffer, Shape shape, boolean requiresGrad) {
    this(buffer, shape, requiresGrad, null);
  }

  Tensor(DeviceBuffer buffer, Shape shape, boolean requiresGrad, Step step) {
    if (shape.size() > buffer.length()) {
      throw new IllegalArgumentException(
          "shape " + shape + " needs " + shape.size() + " floats, buffer holds " + buffer.length());
    }
    this.buffer = buffer;
    this.shape = shape;
    this.requiresGrad = requiresGrad;
    this.step = step;
  }

  /**
   * The pass this tensor belongs to (its memory is freed and its gradient recorded there), or null
   * for a tensor outside any pass (a parameter's value: {@link Step#param} gives one in the pass).
   */
  public Step step() {
    return step;
  }

  /** The backend buffer holding the values, which may be longer than {@link #size()}. */
  public DeviceBuffer buffer() {
    return buffer;
  }

  /** The tensor's shape. */
  public Shape shape() {
    return shape;
  }

  /** The number of elements, {@code shape().size()}. */
  public long size() {
    return shape.size();
  }

  /** Whether a gradient with respect to this tensor is wanted (false for the model's input). */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** The same buffer under another shape of equal size. */
  public Tensor view(Shape newShape) {
    if (newShape.size() != shape.size()) {
      throw new IllegalArgumentException("cannot view " + shape + " as " + newShape);
    }
    return new Tensor(buffer, newShape, requiresGrad, step);
  }

  /** The gradient the tape accumulated for this tensor, or null if none flowed here. */
  public Tensor grad() {
    return grad;
  }

  /**
   * Whether {@link #grad} is a buffer this tensor alone holds (so more contributions may be added
   * into it in place), rather than one lent by the layer that computed it, which may also be
   * another tensor's gradient or a view of one.
   */
  boolean gradOwned() {
    return gradOwned;
  }

  void setGrad(Tensor g, boolean owned) {
    this.grad = g;
    this.gradOwned = owned;
  }

  @Override
  public String toString() {
    return "Tensor" + shape;
  }
}
