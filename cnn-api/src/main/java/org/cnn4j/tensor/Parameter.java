package org.cnn4j.tensor;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;

/**
 * A weight owned by its layer: the value, its gradient (overwritten by each backward pass) and
 * whether the optimizer updates it. Freed by {@link #close()} when the model closes.
 */
public final class Parameter implements AutoCloseable {
  private final String name;
  private final Shape shape;
  private final boolean trainable;
  private final Tensor value;
  private final Tensor gradient;

  /**
   * A parameter with its value uploaded from {@code initial}, and a gradient buffer when trainable.
   *
   * @param backend where the value and gradient live
   * @param name the weight's name, as in model files and error messages
   * @param shape the weight's shape
   * @param initial the starting values, {@code shape.size()} of them, row-major
   * @param trainable whether the optimizer updates it
   * @throws IllegalArgumentException when {@code initial} does not hold {@code shape.size()} values
   */
  public Parameter(Backend backend, String name, Shape shape, float[] initial, boolean trainable) {
    if (initial.length != shape.size()) {
      throw new IllegalArgumentException(
          name + ": " + initial.length + " initial values for shape " + shape);
    }
    this.name = name;
    this.shape = shape;
    this.trainable = trainable;
    DeviceBuffer v = backend.allocate(shape.size());
    backend.upload(initial, 0, v, 0, initial.length);
    this.value = new Tensor(v, shape, false);
    this.gradient = trainable ? new Tensor(backend.allocate(shape.size()), shape, false) : null;
  }

  /** The weight's name, as in model files and error messages. */
  public String name() {
    return name;
  }

  /** The weight's shape. */
  public Shape shape() {
    return shape;
  }

  /** Whether the optimizer updates it (false for e.g. batch normalization's moving statistics). */
  public boolean trainable() {
    return trainable;
  }

  /** The current value, on the backend. */
  public Tensor value() {
    return value;
  }

  /** The gradient buffer; null for a non-trainable parameter. */
  public Tensor gradient() {
    return gradient;
  }

  /** A new buffer shaped like the gradient, owned by the caller (a lane's own gradient). */
  public Tensor allocateGradient(Backend backend) {
    return new Tensor(backend.allocate(shape.size()), shape, false);
  }

  @Override
  public void close() {
    value.buffer().close();
    if (gradient != null) gradient.buffer().close();
  }
}
