package org.cnn4j.api;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.cnn4j.backends.Backends;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;

/** What the API tests share: the CPU backend and a captured output stream. */
final class ApiTests {
  private ApiTests() {}

  /** The real CPU backend, as a user opens it. */
  static Backend openCpu() {
    return Backends.open("cpu", BackendConfig.defaults());
  }

  /** A UTF-8 print stream whose text {@link #toString()} returns. */
  static final class Captured {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Override
    public String toString() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  /** {@code backend} and its lanes, counting their calls by method name in {@code calls}. */
  static Backend counting(Backend backend, Map<String, Integer> calls) {
    return (Backend)
        Proxy.newProxyInstance(
            Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class},
            (proxy, method, args) -> {
              calls.merge(method.getName(), 1, Integer::sum);
              Object result;
              try {
                result = method.invoke(backend, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (!method.getName().equals("lanes")) return result;
              // A split batch runs on the lanes: their calls count too.
              return ((List<?>) result).stream().map(b -> counting((Backend) b, calls)).toList();
            });
  }
}
