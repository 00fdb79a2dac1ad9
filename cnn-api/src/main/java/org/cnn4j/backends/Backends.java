package org.cnn4j.backends;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends with {@link ServiceLoader} and chooses one.
 *
 * <p>Precedence: the system property {@code cnn4j.backend}, then the environment variable {@code
 * CNN4J_BACKEND}, then auto mode. A named backend (or a comma list, tried in order) never falls
 * back to one not named: an unknown id lists the ids present, an unavailable one throws with its
 * probe's reason. Auto mode takes the available provider of highest priority; a present provider of
 * higher priority that cannot run is an error unless {@code -Dcnn4j.backend.fallback=true}, and
 * then one WARN line says what was skipped and why.
 */
public final class Backends {
  public static final String PROPERTY = "cnn4j.backend";
  public static final String ENVIRONMENT = "CNN4J_BACKEND";
  public static final String FALLBACK_PROPERTY = "cnn4j.backend.fallback";

  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
  private static volatile List<BackendProvider> providers;

  private Backends() {}

  /** Every provider on the class path, highest priority first. */
  public static List<BackendProvider> providers() {
    List<BackendProvider> found = providers;
    if (found == null) {
      synchronized (Backends.class) {
        found = providers;
        if (found == null) {
          List<BackendProvider> list = new ArrayList<>();
          ServiceLoader.load(BackendProvider.class).forEach(list::add);
          list.sort(
              Comparator.comparingInt(BackendProvider::priority)
                  .reversed()
                  .thenComparing(BackendProvider::id));
          providers = found = List.copyOf(list);
        }
      }
    }
    return found;
  }

  /** The provider with this id, if present. */
  public static Optional<BackendProvider> provider(String id) {
    return providers().stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** What the user asked for: the system property, else the environment variable, else empty. */
  public static Optional<String> requested() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) value = System.getenv(ENVIRONMENT);
    return value == null || value.isBlank()
        ? Optional.empty()
        : Optional.of(value.trim().toLowerCase(Locale.ROOT));
  }

  /** Opens the backend chosen by {@link #requested()} or auto mode. */
  public static Backend open() {
    return open(requested().orElse(""), BackendConfig.defaults());
  }

  /**
   * Opens a backend by id or comma list ("cuda,opencl,cpu"); an empty request means auto mode.
   *
   * @throws BackendException naming what is missing when nothing requested can run
   */
  public static Backend open(String request, BackendConfig config) {
    BackendProvider chosen = request.isBlank() ? chooseAutomatically() : chooseNamed(request);
    Backend backend = chosen.open(config);
    LOG.info("cnn4j backend: {} ({})", backend.id(), backend.description());
    return backend;
  }

  private static BackendProvider chooseNamed(String request) {
    List<String> reasons = new ArrayList<>();
    for (String raw : request.split(",")) {
      String id = raw.trim().toLowerCase(Locale.ROOT);
      if (id.isEmpty()) continue;
      Optional<BackendProvider> provider = provider(id);
      if (provider.isEmpty()) {
        reasons.add("'" + id + "' is not on the class path (present: " + presentIds() + ")");
        continue;
      }
      Availability a = provider.get().probe();
      if (a.available()) return provider.get();
      reasons.add(id + " is unavailable: " + a.reason());
    }
    throw new BackendException(
        "backends",
        "select",
        "no requested backend can run ("
            + PROPERTY
            + "/"
            + ENVIRONMENT
            + "="
            + request
            + "): "
            + String.join("; ", reasons));
  }

  private static BackendProvider chooseAutomatically() {
    List<BackendProvider> all = providers();
    if (all.isEmpty()) {
      throw new BackendException(
          "backends",
          "select",
          "no cnn4j backend on the class path: add a backend jar such as org.cnn4j:cnn-backend-cpu");
    }
    boolean fallback = Boolean.getBoolean(FALLBACK_PROPERTY);
    List<String> skipped = new ArrayList<>();
    for (BackendProvider p : all) {
      Availability a = p.probe();
      if (a.available()) {
        if (!skipped.isEmpty())
          LOG.warn("cnn4j backend fallback: skipped {}", String.join("; ", skipped));
        return p;
      }
      String why = p.id() + " (" + a.reason() + ")";
      if (!fallback) {
        throw new BackendException(
            "backends",
            "select",
            "backend "
                + why
                + " is on the class path but cannot run; remove its jar, name another"
                + " backend with -D"
                + PROPERTY
                + "=ID, or allow fallback with -D"
                + FALLBACK_PROPERTY
                + "=true");
      }
      skipped.add(why);
    }
    throw new BackendException(
        "backends",
        "select",
        "no backend on the class path can run: " + String.join("; ", skipped));
  }

  private static String presentIds() {
    List<String> ids = providers().stream().map(BackendProvider::id).toList();
    return ids.isEmpty() ? "none" : String.join(", ", ids);
  }
}
