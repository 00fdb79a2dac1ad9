package org.cnn4j.backends;

import java.util.HashMap;
import java.util.Map;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendProvider;

/**
 * The backend instances models share, one per provider, counted: opened (with its one INFO line)
 * for the first holder, closed when the last lets go, opened afresh for a later one.
 */
final class SharedBackends {
  private record Entry(Backend backend, int holders) {}

  private final Map<String, Entry> open = new HashMap<>();

  synchronized SharedBackend acquire(BackendProvider provider) {
    Entry e = open.get(provider.id());
    if (e == null) e = new Entry(Backends.openLogged(provider, BackendConfig.defaults()), 0);
    open.put(provider.id(), new Entry(e.backend(), e.holders() + 1));
    return new SharedBackend(this, provider.id(), e.backend());
  }

  void release(String id, Backend backend) {
    Backend last = null;
    synchronized (this) {
      Entry e = open.get(id);
      if (e == null || e.backend() != backend) return;
      if (e.holders() > 1) {
        open.put(id, new Entry(backend, e.holders() - 1));
      } else {
        open.remove(id);
        last = backend;
      }
    }
    if (last != null) last.close();
  }
}
