package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.LossKind;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * Closing a backend: {@code close()} may be called again (try-with-resources plus an explicit
 * close), and every op afterwards, on arguments that were valid before the close, is an {@link
 * IllegalStateException} saying the backend is closed, never a crash inside a native library that
 * was torn down. Buffers still open when the backend closes can be closed afterwards.
 *
 * <p>The ops are every method of {@link Backend}, found by reflection, so an op added to the SPI is
 * covered without a change here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LifecycleConformance {
  /** The methods that stay usable after close: identity, statistics, the lanes list, close. */
  private static final Set<String> USABLE_AFTER_CLOSE =
      Set.of("id", "description", "memoryStats", "lanes", "close");

  /** Every buffer the ops get: larger than any op below reads with its sizes of 1. */
  private static final int BUFFER_FLOATS = 64;

  private static final Conv2dSpec CONV =
      Conv2dSpec.of(1, 3, 3, 1, 2, 2, 1, 1, 1, Padding.VALID, 1, 1, 1);
  private static final Pool2dSpec POOL = Pool2dSpec.of(1, 2, 2, 1, 2, 2, 2, 2, Padding.VALID);

  private final String providerId;
  private final BackendConfig config;
  private Backend closed;
  private final List<DeviceBuffer> heldAcrossClose = new ArrayList<>();

  protected LifecycleConformance(String providerId) {
    this(providerId, BackendConfig.defaults());
  }

  protected LifecycleConformance(String providerId, BackendConfig config) {
    this.providerId = providerId;
    this.config = config;
  }

  /** One backend, with buffers allocated while it was open, then closed twice. */
  @BeforeAll
  final void openAllocateAndClose() {
    closed = SkipReasons.openOrSkip(providerId, config);
    for (int i = 0; i < 8; i++) heldAcrossClose.add(closed.allocate(BUFFER_FLOATS));
    closed.close();
    closed.close();
  }

  @AfterAll
  final void closeTheBuffersAfterTheirBackend() {
    for (DeviceBuffer b : heldAcrossClose) b.close();
  }

  /** One method of the SPI, named in the test's display name. */
  public record Op(Method method) {
    @Override
    public String toString() {
      return method.getName()
          + Arrays.stream(method.getParameterTypes())
              .map(Class::getSimpleName)
              .collect(Collectors.joining(", ", "(", ")"));
    }
  }

  /** Every op of the SPI, abstract and default. */
  static List<Op> ops() {
    return Arrays.stream(Backend.class.getMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers()))
        .filter(m -> !USABLE_AFTER_CLOSE.contains(m.getName()))
        .sorted(Comparator.comparing(Method::getName))
        .map(Op::new)
        .toList();
  }

  @Test
  void closingAgainDoesNothing() {
    Backend backend = SkipReasons.openOrSkip(providerId, config);
    try (backend) {
      backend.allocate(10).close();
      backend.close();
    }
    assertDoesNotThrow(backend::close);
  }

  @ParameterizedTest(name = "{0} after close()")
  @MethodSource("ops")
  void everyOpAfterCloseIsAnIllegalStateException(Op op) throws IllegalAccessException {
    Object[] args = arguments(op.method());
    try {
      op.method().invoke(closed, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      assertInstanceOf(
          IllegalStateException.class, cause, () -> op + " after close() threw " + cause);
      assertTrue(
          cause.getMessage().contains(providerId + " backend is closed"),
          () -> op + ": the message should say the backend is closed: " + cause.getMessage());
      return;
    }
    throw new AssertionFailedError(op + " after close() returned instead of throwing");
  }

  @Test
  void lanesRefuseWorkOnceTheirBackendIsClosed() {
    for (Backend lane : closed.lanes()) {
      assertThrows(IllegalStateException.class, () -> lane.allocate(1));
      assertThrows(
          IllegalStateException.class,
          () -> lane.fill(heldAcrossClose.get(0), 0, 1, 0f),
          "a lane's op after its backend closed");
    }
  }

  @Test
  void buffersOfAClosedBackendCanBeClosed() {
    Backend backend = SkipReasons.openOrSkip(providerId, config);
    DeviceBuffer kept = backend.allocate(1000);
    backend.close();
    assertDoesNotThrow(kept::close);
    assertTrue(kept.isClosed());
  }

  /**
   * Arguments valid for the op on an open backend: sizes of 1, the small geometries above, a buffer
   * of its own per buffer parameter (im2col and col2im take image 0 of group 0).
   */
  private Object[] arguments(Method m) {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    int buffers = 0;
    int ints = 0;
    boolean imageRange = m.getName().equals("im2col") || m.getName().equals("col2im");
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == DeviceBuffer.class) args[i] = heldAcrossClose.get(buffers++);
      else if (t == int.class) args[i] = imageRange && ints++ != 1 ? 0 : 1;
      else if (t == long.class) args[i] = 1L;
      else if (t == float.class) args[i] = 0.5f;
      else if (t == boolean.class) args[i] = false;
      else if (t == float[].class) args[i] = new float[BUFFER_FLOATS];
      else if (t == Conv2dSpec.class) args[i] = CONV;
      else if (t == Pool2dSpec.class) args[i] = POOL;
      else if (t == ActivationKind.class) args[i] = ActivationKind.RELU;
      else if (t == BinaryOp.class) args[i] = BinaryOp.ADD;
      else if (t == LossKind.class) args[i] = LossKind.MEAN_SQUARED_ERROR;
      else {
        throw new AssertionFailedError(
            m.getName() + " takes a " + t.getName() + ", which this test cannot make yet");
      }
    }
    return args;
  }
}
