package org.cnn4j.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Options passed to {@link BackendProvider#open}. Values come from system properties named {@code
 * cnn4j.<id>.<key>} unless given explicitly, e.g. {@code -Dcnn4j.cpu.threads=2}.
 */
public record BackendConfig(Map<String, String> options) {
  /** The options are copied. */
  public BackendConfig {
    options = Map.copyOf(options);
  }

  /** No explicit options: every value from the system properties. */
  public static BackendConfig defaults() {
    return new BackendConfig(Map.of());
  }

  /** The option {@code key} for backend {@code id}: explicit value, else the system property. */
  public Optional<String> get(String id, String key) {
    String explicit = options.get(key);
    if (explicit != null) return Optional.of(explicit);
    return Optional.ofNullable(System.getProperty("cnn4j." + id + "." + key));
  }
}
