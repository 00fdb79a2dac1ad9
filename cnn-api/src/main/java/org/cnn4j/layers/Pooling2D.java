package org.cnn4j.layers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.tensor.Shape;

/**
 * What max and average pooling share: pool size, strides (default: the pool size), padding. The
 * type parameter lets the setters return the concrete layer for chaining.
 */
abstract class Pooling2D<T extends Pooling2D<T>> extends Layer {
  final int poolH;
  final int poolW;
  int strideH;
  int strideW;
  Padding padding = Padding.VALID;

  Pooling2D(int poolH, int poolW) {
    if (poolH < 1 || poolW < 1)
      throw new IllegalArgumentException(typeName() + ": pool_size must be >= 1");
    this.poolH = poolH;
    this.poolW = poolW;
    this.strideH = poolH;
    this.strideW = poolW;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("pool_size", List.of(poolH, poolW));
    c.put("strides", List.of(strideH, strideW));
    c.put("padding", padding.name().toLowerCase(Locale.ROOT));
    return c;
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  /** Keras' strides (the same along both axes); default: the pool size. */
  public T strides(int stride) {
    if (stride < 1) throw new IllegalArgumentException(typeName() + ": strides must be >= 1");
    strideH = stride;
    strideW = stride;
    return self();
  }

  /** "valid" or "same". */
  public T padding(String mode) {
    padding = Padding.of(mode);
    return self();
  }

  Pool2dSpec spec(int batch) {
    Shape in = inputShape();
    return Pool2dSpec.of(
        batch, in.dim(0), in.dim(1), in.dim(2), poolH, poolW, strideH, strideW, padding);
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    try {
      Pool2dSpec s =
          Pool2dSpec.of(
              1, input.dim(0), input.dim(1), input.dim(2), poolH, poolW, strideH, strideW, padding);
      return Shape.of(s.outH(), s.outW(), input.dim(2));
    } catch (IllegalArgumentException e) {
      throw badInput(input, "an image at least " + poolH + "x" + poolW + " for the pool");
    }
  }
}
