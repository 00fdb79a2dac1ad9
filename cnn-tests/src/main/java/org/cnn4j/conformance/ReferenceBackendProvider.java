package org.cnn4j.conformance;

import java.util.Map;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendProvider;

/**
 * Provides {@link ReferenceBackend} under the id "reference". No shipped jar registers it in {@code
 * META-INF/services} (it is far too slow to be chosen in auto mode); the suite constructs it
 * directly, and this module's own tests register it to run the suite against itself.
 */
public final class ReferenceBackendProvider implements BackendProvider {
  /** The provider id. */
  public static final String ID = "reference";

  @Override
  public String id() {
    return ID;
  }

  /** Lowest of all, so auto mode never prefers it to a real backend. */
  @Override
  public int priority() {
    return Integer.MIN_VALUE;
  }

  @Override
  public Availability probe() {
    return Availability.available(Map.of("precision", "float64 accumulation"));
  }

  @Override
  public Backend open(BackendConfig config) {
    return new ReferenceBackend();
  }
}
