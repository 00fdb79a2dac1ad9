package org.cnn4j.conformance;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.spi.UnaryOp;
import org.opentest4j.AssertionFailedError;

/**
 * Every method of {@link Backend}, found by reflection, and arguments to call each with, so checks
 * that must cover the whole SPI cover a method added to it without a change of their own.
 */
final class SpiCalls {
  /** Buffers handed to the calls must hold this many floats: more than any call reads. */
  static final int BUFFER_FLOATS = 64;

  private static final Conv2dSpec CONV =
      Conv2dSpec.of(1, 3, 3, 1, 2, 2, 1, 1, 1, Padding.VALID, 1, 1, 1);
  private static final Pool2dSpec POOL = Pool2dSpec.of(1, 2, 2, 1, 2, 2, 2, 2, Padding.VALID);

  private SpiCalls() {}

  /** One method of the SPI, named with its parameter types (the test's display name). */
  record Call(Method method) {
    @Override
    public String toString() {
      return method.getName()
          + Arrays.stream(method.getParameterTypes())
              .map(Class::getSimpleName)
              .collect(Collectors.joining(", ", "(", ")"));
    }
  }

  /** The SPI's instance methods, abstract and default, by name. */
  static List<Call> all() {
    return Arrays.stream(Backend.class.getMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers()))
        .sorted(Comparator.comparing(Method::getName))
        .map(Call::new)
        .toList();
  }

  /**
   * Arguments valid for {@code m} on an open backend: sizes of 1, a small convolution and pooling,
   * {@code buffer.apply(i)} for the i-th buffer parameter, image 0 of group 0 for im2col and
   * col2im.
   */
  static Object[] arguments(Method m, IntFunction<DeviceBuffer> buffer) {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    int buffers = 0;
    int ints = 0;
    int intArrays = 0;
    boolean imageRange = m.getName().equals("im2col") || m.getName().equals("col2im");
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == DeviceBuffer.class) args[i] = buffer.apply(buffers++);
      else if (t == int.class) args[i] = imageRange && ints++ != 1 ? 0 : 1;
      else if (t == long.class) args[i] = 1L;
      else if (t == float.class) args[i] = 0.5f;
      else if (t == boolean.class) args[i] = false;
      else if (t == float[].class) args[i] = new float[BUFFER_FLOATS];
      // A shape of one element, then axis 0 of it (reduce's shape and axes).
      else if (t == int[].class) args[i] = new int[] {intArrays++ == 0 ? 1 : 0};
      else if (t == StridedView.class) args[i] = StridedView.contiguous(1);
      else if (t == UnaryOp.class) args[i] = UnaryOp.NEG;
      else if (t == ReduceOp.class) args[i] = ReduceOp.SUM;
      else if (t == Conv2dSpec.class) args[i] = CONV;
      else if (t == Pool2dSpec.class) args[i] = POOL;
      else if (t == ActivationKind.class) args[i] = ActivationKind.RELU;
      else if (t == BinaryOp.class) args[i] = BinaryOp.ADD;
      else if (t == LossKind.class) args[i] = LossKind.MEAN_SQUARED_ERROR;
      else {
        throw new AssertionFailedError(
            m.getName() + " takes a " + t.getName() + ", which SpiCalls cannot make yet");
      }
    }
    return args;
  }
}
