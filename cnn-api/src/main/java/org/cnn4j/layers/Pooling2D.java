package org.cnn4j.layers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.tensor.Shape;

/** What max and average pooling share: pool size, strides (default: the pool size), padding. */
abstract class Pooling2D extends Layer {
  final int poolH;
  final int poolW;
  int strideH;
  int strideW;
  Padding padding = Padding.VALID;

  Pooling2D(int poolH, int poolW) {
    if (poolH < 1 || poolW < 1) throw new IllegalArgumentException(typeName() + ": pool_size must be >= 1");
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

  Pool2dSpec spec(int batch) {
    Shape in = inputShape();
    return Pool2dSpec.of(batch, in.dim(0), in.dim(1), in.dim(2), poolH, poolW, strideH, strideW, padding);
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "(None, height, width, channels)");
    try {
      Pool2dSpec s = Pool2dSpec.of(1, input.dim(0), input.dim(1), input.dim(2), poolH, poolW, strideH, strideW, padding);
      return Shape.of(s.outH(), s.outW(), input.dim(2));
    } catch (IllegalArgumentException e) {
      throw badInput(input, "an image at least " + poolH + "x" + poolW + " for the pool");
    }
  }
}
