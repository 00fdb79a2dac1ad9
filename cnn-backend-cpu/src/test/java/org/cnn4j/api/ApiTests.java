package org.cnn4j.api;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
}
