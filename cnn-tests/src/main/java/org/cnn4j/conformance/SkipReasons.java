package org.cnn4j.conformance;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.cnn4j.backends.Backends;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendProvider;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Why a conformance class does not run, in one place. A backend that is absent or cannot run here
 * skips its classes with the reason (the probe's words); when the system property {@value
 * #REQUIRE_PROPERTY} (a comma list of ids) names it, the same reason fails the class instead, so CI
 * cannot pass by skipping.
 */
public final class SkipReasons {
  /** System property listing the provider ids that must run, e.g. {@code cpu,opencl}. */
  public static final String REQUIRE_PROPERTY = "cnn4j.conformance.require";

  private SkipReasons() {}

  /** The ids named by {@value #REQUIRE_PROPERTY}, lower-cased. */
  public static Set<String> requiredIds() {
    String value = System.getProperty(REQUIRE_PROPERTY, "");
    return Arrays.stream(value.split(","))
        .map(s -> s.trim().toLowerCase(java.util.Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  public static boolean isRequired(String id) {
    return requiredIds().contains(id);
  }

  /** The reason when no provider with this id is on the class path. */
  public static String notOnClassPath(String id) {
    String present =
        Backends.providers().stream().map(BackendProvider::id).collect(Collectors.joining(", "));
    return "backend '"
        + id
        + "' is not on the class path (providers present: "
        + (present.isEmpty() ? "none" : present)
        + ")";
  }

  /** The reason when the provider's probe says it cannot run. */
  public static String unavailable(String id, Availability availability) {
    return "backend '" + id + "' is unavailable here: " + availability.reason();
  }

  /**
   * Opens the backend {@code id}, or skips the calling test class (JUnit assumption) with the
   * reason, or fails it when the id is required.
   */
  public static Backend openOrSkip(String id) {
    return openOrSkip(id, BackendConfig.defaults());
  }

  /** As {@link #openOrSkip(String)}, opening the backend with {@code config}. */
  public static Backend openOrSkip(String id, BackendConfig config) {
    BackendProvider provider = Backends.provider(id).orElse(null);
    if (provider == null) return skipOrFail(id, notOnClassPath(id));
    Availability availability = provider.probe();
    if (!availability.available()) return skipOrFail(id, unavailable(id, availability));
    return provider.open(config);
  }

  private static Backend skipOrFail(String id, String reason) {
    if (isRequired(id)) {
      return Assertions.fail(
          reason
              + "; it is required by -D"
              + REQUIRE_PROPERTY
              + "="
              + System.getProperty(REQUIRE_PROPERTY));
    }
    Assumptions.abort(
        reason + " (add -D" + REQUIRE_PROPERTY + "=" + id + " to make this a failure)");
    throw new AssertionError("unreachable: Assumptions.abort throws");
  }
}
