package org.cnn4j.spi;

import java.util.Map;

/**
 * What a provider's probe found: whether the backend can run here, why not if it cannot (in words a
 * user can act on: the missing file, the package to install), and details such as library versions
 * and the device name.
 */
public record Availability(boolean available, String reason, Map<String, String> details) {
  /** A null reason reads as empty; the details are copied. */
  public Availability {
    reason = reason == null ? "" : reason;
    details = Map.copyOf(details);
  }

  /** The backend can run here; {@code details} for {@code cnn4j backends}. */
  public static Availability available(Map<String, String> details) {
    return new Availability(true, "", details);
  }

  /** The backend cannot run here, for {@code reason}. */
  public static Availability unavailable(String reason) {
    return new Availability(false, reason, Map.of());
  }
}
