package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.FamilyBackend;
import org.cnn4j.spi.MemoryStats;
import org.cnn4j.spi.Padding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ForwardingBackend} hands every SPI method to its delegate as that same method (so a
 * planted break changes one op and nothing else), and {@link SpiDefaultsView} forwards only the
 * required ones (so the SPI's defaults run on top of them). Both are checked against the SPI by
 * reflection: a method added to {@link Backend} fails here until {@link FamilyBackend} forwards it.
 */
class ForwardingBackendTest {

  static List<SpiCalls.Call> calls() {
    return SpiCalls.all();
  }

  @Test
  void everySpiMethodIsDeclaredByTheForwardingClasses() throws NoSuchMethodException {
    List<String> notForwarded = new ArrayList<>();
    for (SpiCalls.Call call : SpiCalls.all()) {
      Method m = call.method();
      Class<?> declaring =
          ForwardingBackend.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass();
      if (declaring != ForwardingBackend.class && declaring != FamilyBackend.class) {
        notForwarded.add(call + " (runs " + declaring.getSimpleName() + "'s)");
      }
    }
    assertEquals(List.of(), notForwarded, "SPI methods ForwardingBackend does not forward");
  }

  @Test
  void theDefaultsViewRunsTheSpiDefaultOnTheRequiredOps() {
    List<String> received = new ArrayList<>();
    Conv2dSpec spec = Conv2dSpec.of(1, 3, 3, 1, 2, 2, 1, 1, 1, Padding.VALID, 1, 1, 1);
    Backend view = SpiDefaultsView.of(recording(received, SpiCalls.BUFFER_FLOATS));
    try (DeviceBuffer x = view.allocate(9);
        DeviceBuffer kernel = view.allocate(4);
        DeviceBuffer y = view.allocate(4)) {
      view.conv2dForward(spec, x, kernel, y);
    }
    // allocateScratch is a default too: the columns come from allocate.
    assertEquals(
        List.of("allocate", "allocate", "allocate", "allocate", "im2col", "gemm"),
        received,
        "the view's conv2dForward reached the delegate as");
  }

  @Test
  void theDefaultsViewForwardsEveryRequiredOpAndLeavesTheDelegateOpen() throws Exception {
    for (SpiCalls.Call call : SpiCalls.all()) {
      if (call.method().isDefault()) continue;
      List<String> received = new ArrayList<>();
      Backend view = SpiDefaultsView.of(recording(received));
      call.method().invoke(view, SpiCalls.arguments(call.method(), i -> null));
      List<String> expected =
          call.method().getName().equals("close") ? List.of() : List.of(call.method().getName());
      assertEquals(expected, received, call + " reached the delegate as");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void eachCallReachesTheDelegateAsTheSameMethod(SpiCalls.Call call) throws Exception {
    List<String> received = new ArrayList<>();
    Backend forwarding = new ForwardingBackend(recording(received));
    try {
      call.method().invoke(forwarding, SpiCalls.arguments(call.method(), i -> null));
    } catch (InvocationTargetException e) {
      throw new AssertionError(call + " threw instead of forwarding", e.getCause());
    }
    assertEquals(List.of(call.method().getName()), received, call + " reached the delegate as");
  }

  @Test
  void closingTheForwarderClosesItsDelegate() {
    List<String> received = new ArrayList<>();
    new ForwardingBackend(recording(received)).close();
    assertTrue(received.contains("close"), "received " + received);
  }

  /** A delegate that only records the names of the methods called on it. */
  private static Backend recording(List<String> received) {
    return recording(received, 0);
  }

  /**
   * As {@link #recording(List)}, its {@code allocate} and {@code allocateScratch} returning buffers
   * of {@code length} floats.
   */
  private static Backend recording(List<String> received, long length) {
    return (Backend)
        Proxy.newProxyInstance(
            Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class},
            (proxy, method, args) -> {
              received.add(method.getName());
              return switch (method.getName()) {
                case "id", "description" -> "recording";
                case "memoryStats" -> new MemoryStats(0, 0, 0);
                case "lanes" -> List.of();
                case "allocate", "allocateScratch" -> buffer(length);
                default -> null;
              };
            });
  }

  /** A buffer of {@code length} floats that holds nothing. */
  private static DeviceBuffer buffer(long length) {
    return new DeviceBuffer() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public boolean isClosed() {
        return false;
      }

      @Override
      public void close() {}
    };
  }
}
