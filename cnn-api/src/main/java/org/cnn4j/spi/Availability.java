package org.cnn4j.spi;

import java.util.Map;

/**
 * What a provider's probe found: whether the backend can run here, why not if it cannot (in words a
 * user can act on: the missing file, the package to install), and details such as library versions
 * and the device name.
 */
public record Availability(boolean available, String reason, Map<String, String> details) {
  public Availability {
    reason = reason == null ? "" : reason;
    details = Map.copyOf(details);
  }

  public static Availability available(Map<String, String> details) {
    return new Availability(true, "", details);
  }

  public static Availability unavailable(String reason) {
    return new Availability(false, reason, Map.of());
  }
}
