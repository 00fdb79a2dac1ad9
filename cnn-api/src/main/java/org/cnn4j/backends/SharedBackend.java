package org.cnn4j.backends;

import org.cnn4j.spi.Backend;

/**
 * One user's hold on the backend instance that models share (one per provider per process, see
 * {@link Backends#shared()}): {@link #close()} lets go of it, and the last holder's close closes
 * the backend. Closing twice lets go once.
 */
public final class SharedBackend implements AutoCloseable {
  private final SharedBackends owner;
  private final String id;
  private final Backend backend;
  private boolean released;

  SharedBackend(SharedBackends owner, String id, Backend backend) {
    this.owner = owner;
    this.id = id;
    this.backend = backend;
  }

  /** The shared backend; closed by the last holder's {@link #close()}, never by its users. */
  public Backend backend() {
    return backend;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (released) return;
      released = true;
    }
    owner.release(id, backend);
  }
}
