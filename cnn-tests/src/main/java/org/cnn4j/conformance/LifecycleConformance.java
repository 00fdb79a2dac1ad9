package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.DeviceBuffer;
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
 * <p>The ops are every method of {@link Backend}, found by reflection ({@link SpiCalls}), so an op
 * added to the SPI is covered without a change here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LifecycleConformance {
  /**
   * The methods that stay usable after close: identity, statistics, the lanes list, the allocation
   * hint (nothing to give back then), close.
   */
  private static final Set<String> USABLE_AFTER_CLOSE =
      Set.of("id", "description", "memoryStats", "startAllocationPhase", "lanes", "close");

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
    for (int i = 0; i < 8; i++) heldAcrossClose.add(closed.allocate(SpiCalls.BUFFER_FLOATS));
    closed.close();
    closed.close();
  }

  @AfterAll
  final void closeTheBuffersAfterTheirBackend() {
    for (DeviceBuffer b : heldAcrossClose) b.close();
  }

  /** Every op of the SPI, abstract and default. */
  static List<SpiCalls.Call> ops() {
    return SpiCalls.all().stream()
        .filter(c -> !USABLE_AFTER_CLOSE.contains(c.method().getName()))
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
  void everyOpAfterCloseIsAnIllegalStateException(SpiCalls.Call op) throws IllegalAccessException {
    Object[] args = SpiCalls.arguments(op.method(), heldAcrossClose::get);
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
}
