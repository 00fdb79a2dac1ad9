package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The base of every conformance area: opens the backend under test once per class (skipping the
 * class, or failing it when required, as {@link SkipReasons} says) and a fresh {@link
 * ReferenceBackend}, and checks after every test that no buffer is left alive. The checks
 * themselves live in the area's {@code *Checks} class, which any two backends can run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceTest {
  private final String providerId;
  private final BackendConfig config;
  private Backend backend;
  private Backend reference;
  private long liveAtOpen;

  /**
   * @param providerId the id of the provider under test, e.g. "cpu"
   */
  protected ConformanceTest(String providerId) {
    this(providerId, BackendConfig.defaults());
  }

  /**
   * @param config options for opening the backend, e.g. to run a second code path of it ({@code
   *     cpu} with {@code onednn=false} convolves with im2col + GEMM)
   */
  protected ConformanceTest(String providerId, BackendConfig config) {
    this.providerId = providerId;
    this.config = config;
  }

  @BeforeAll
  final void openBackends() {
    backend = SkipReasons.openOrSkip(providerId, config);
    reference = new ReferenceBackend();
    liveAtOpen = backend.memoryStats().liveBuffers();
  }

  @AfterEach
  final void noBufferLeftAlive() {
    backend.synchronize();
    assertEquals(
        liveAtOpen,
        backend.memoryStats().liveBuffers(),
        "live buffers of " + providerId + " after the test");
  }

  @AfterAll
  final void closeBackends() {
    if (backend != null) backend.close();
    if (reference != null) reference.close();
  }

  /** The backend under test. */
  protected final Backend backend() {
    return backend;
  }

  /** The oracle. */
  protected final Backend reference() {
    return reference;
  }
}
