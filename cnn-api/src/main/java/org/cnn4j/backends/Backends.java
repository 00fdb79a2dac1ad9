package org.cnn4j.backends;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends with {@link ServiceLoader} and chooses one (DESIGN.md, "Choosing a backend").
 *
 * <p>Precedence: the system property {@code cnn4j.backend}, then the environment variable {@code
 * CNN4J_BACKEND}, then auto mode. A named backend (or a comma list, tried in order) never falls
 * back to one not named: an unknown id lists the ids present, an unavailable one throws with its
 * probe's reason. Auto mode takes the available provider of highest {@link
 * BackendProvider#priority()}, read after probing so that it can reflect the device (OpenCL on a
 * CPU device ranks below the native CPU backend), so one jar with every backend runs anywhere: each
 * present provider that cannot run gets one WARN line with its reason, once per process, or, with
 * {@code -Dcnn4j.backend.strict=true}, makes auto mode fail.
 *
 * <p>{@link #open()} gives the caller a backend of its own to close; models made without a backend
 * share one instance per provider through {@link #shared()}.
 */
public final class Backends {
  /** The system property that names the backend, or a comma list tried in order: {@value}. */
  public static final String PROPERTY = "cnn4j.backend";

  /** The environment variable read when {@link #PROPERTY} is unset: {@value}. */
  public static final String ENVIRONMENT = "CNN4J_BACKEND";

  /**
   * The system property that, when {@code true}, makes auto mode fail on a present provider that
   * cannot run: {@value}.
   */
  public static final String STRICT_PROPERTY = "cnn4j.backend.strict";

  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
  private static volatile List<BackendProvider> providers;
  private static final Choice CHOICE = new Choice(null, LOG::warn);
  private static final SharedBackends SHARED = new SharedBackends();

  private Backends() {}

  /** Every provider on the class path, by id (auto mode ranks them by priority after probing). */
  public static List<BackendProvider> providers() {
    List<BackendProvider> found = providers;
    if (found == null) {
      synchronized (Backends.class) {
        found = providers;
        if (found == null) {
          List<BackendProvider> list = new ArrayList<>();
          ServiceLoader.load(BackendProvider.class).forEach(list::add);
          list.sort(Comparator.comparing(BackendProvider::id));
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

  /** Opens, for the caller to close, the backend chosen by {@link #requested()} or auto mode. */
  public static Backend open() {
    return open(requested().orElse(""), BackendConfig.defaults());
  }

  /**
   * Opens, for the caller to close, a backend by id or comma list ("cuda,opencl,cpu"); an empty
   * request means auto mode.
   *
   * @throws BackendException naming what is missing when nothing requested can run
   */
  public static Backend open(String request, BackendConfig config) {
    return openLogged(choose(request), config);
  }

  /**
   * A hold on the process's shared instance of the backend chosen by {@link #requested()} or auto
   * mode, as models made without a backend use it: one instance per provider, opened for the first
   * holder and closed when the last one closes its hold.
   */
  public static SharedBackend shared() {
    return SHARED.acquire(choose(requested().orElse("")));
  }

  private static BackendProvider choose(String request) {
    return request.isBlank() ? CHOICE.automatic(providers()) : CHOICE.named(request, providers());
  }

  static Backend openLogged(BackendProvider provider, BackendConfig config) {
    Backend backend = provider.open(config);
    LOG.info("cnn4j backend: {} ({})", backend.id(), backend.description());
    return backend;
  }

  /** The choosing rules, with where warnings go and which were given (once per provider). */
  static final class Choice {
    private final Boolean strict;
    private final Consumer<String> warn;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param strict whether a present provider that cannot run fails auto mode; null: read {@code
     *     cnn4j.backend.strict} at each choice
     */
    Choice(Boolean strict, Consumer<String> warn) {
      this.strict = strict;
      this.warn = warn;
    }

    BackendProvider named(String request, List<BackendProvider> present) {
      List<String> reasons = new ArrayList<>();
      for (String raw : request.split(",")) {
        String id = raw.trim().toLowerCase(Locale.ROOT);
        if (id.isEmpty()) continue;
        Optional<BackendProvider> provider =
            present.stream().filter(p -> p.id().equals(id)).findFirst();
        if (provider.isEmpty()) {
          reasons.add("'" + id + "' is not on the class path (present: " + ids(present) + ")");
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

    BackendProvider automatic(List<BackendProvider> present) {
      if (present.isEmpty()) {
        throw new BackendException(
            "backends",
            "select",
            "no cnn4j backend on the class path: add a backend jar such as org.cnn4j:cnn-backend-cpu");
      }
      boolean failOnUnavailable = strict != null ? strict : Boolean.getBoolean(STRICT_PROPERTY);
      List<String> cannot = new ArrayList<>();
      BackendProvider best = null;
      for (BackendProvider p : present) {
        Availability a = p.probe();
        if (!a.available()) {
          cannot.add(p.id() + " (" + a.reason() + ")");
        } else if (best == null || p.priority() > best.priority()) {
          best = p;
        }
      }
      if (!cannot.isEmpty() && failOnUnavailable) {
        throw new BackendException(
            "backends",
            "select",
            "present but cannot run: "
                + String.join("; ", cannot)
                + " (-D"
                + STRICT_PROPERTY
                + "=true makes this an error; remove the jar, install what it needs, or name a"
                + " backend with -D"
                + PROPERTY
                + "=ID)");
      }
      if (best == null) {
        throw new BackendException(
            "backends",
            "select",
            "no backend on the class path can run: " + String.join("; ", cannot));
      }
      for (BackendProvider p : present) {
        Availability a = p.probe();
        if (!a.available() && warned.add(p.id())) {
          warn.accept(
              "cnn4j backend "
                  + p.id()
                  + " is on the class path but cannot run, using "
                  + best.id()
                  + ": "
                  + a.reason());
        }
      }
      return best;
    }

    private static String ids(List<BackendProvider> present) {
      List<String> ids = present.stream().map(BackendProvider::id).toList();
      return ids.isEmpty() ? "none" : String.join(", ", ids);
    }
  }
}
