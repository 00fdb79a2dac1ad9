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

  public String name() {
    return name;
  }

  public Shape shape() {
    return shape;
  }

  public boolean trainable() {
    return trainable;
  }

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
