package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.MemoryStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ForwardingBackend} hands every SPI method to its delegate as that same method (so a
 * planted break changes one op and nothing else), and {@link SpiDefaultsView} forwards only the
 * required ones (so the SPI's defaults run on top of them). Both are checked against the SPI by
 * reflection: a method added to {@link Backend} fails here until the two classes account for it.
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
      if (declaring != ForwardingBackend.class && declaring != SpiDefaultsView.class) {
        notForwarded.add(call + " (runs " + declaring.getSimpleName() + "'s)");
      }
    }
    assertEquals(List.of(), notForwarded, "SPI methods ForwardingBackend does not forward");
  }

  @Test
  void theDefaultsViewOverridesNoDefaultMethod() {
    List<String> overridden = new ArrayList<>();
    for (Method m : SpiDefaultsView.class.getDeclaredMethods()) {
      try {
        if (Backend.class.getMethod(m.getName(), m.getParameterTypes()).isDefault()) {
          overridden.add(m.getName());
        }
      } catch (NoSuchMethodException notAnSpiMethod) {
        // a helper of its own
      }
    }
    assertEquals(
        List.of(),
        overridden,
        "SpiDefaultsView must leave the SPI's defaults to run on the required ops");
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
                default -> null;
              };
            });
  }
}
