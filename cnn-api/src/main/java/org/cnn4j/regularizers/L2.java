package org.cnn4j.regularizers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;

/**
 * Keras' {@code L2(l2=0.01)}: penalty {@code l2 * sum(w^2)}, gradient {@code 2 * l2 * w}.
 *
 * @param l2 the factor, finite and >= 0
 */
public record L2(double l2) implements Regularizer {
  /**
   * Checks the factor.
   *
   * @throws IllegalArgumentException when {@code l2} is negative, NaN or infinite
   */
  public L2 {
    if (!(l2 >= 0 && Double.isFinite(l2))) {
      throw new IllegalArgumentException("L2: the factor must be finite and >= 0, got " + l2);
    }
  }

  @Override
  public String className() {
    return "L2";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("l2", l2);
    return c;
  }

  @Override
  public double apply(Backend backend, DeviceBuffer w, DeviceBuffer grad, long n) {
    if (l2 == 0) return 0;
    if (grad != null) backend.axpby((float) (2 * l2), w, 1f, grad, n);
    float[] sum = new float[1];
    try (DeviceBuffer squares = backend.allocate(n);
        DeviceBuffer total = backend.allocate(1)) {
      backend.binary(BinaryOp.MUL, w, w, squares, n);
      backend.reduceMiddle(squares, 1, (int) n, 1, 1f, total);
      backend.download(total, 0, sum, 0, 1);
    }
    return l2 * sum[0];
  }
}
