package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.opentest4j.AssertionFailedError;

/**
 * One check's buffers on the backend under test and on the reference. Closing the session frees
 * them all, synchronizes, and asserts that the backend under test holds exactly as many live
 * buffers as when the session began, so every check ends leak-free even when it fails.
 *
 * <pre>{@code
 * try (var s = new Session(underTest, reference)) {
 *   Twin x = s.upload(inputs.uniform(n, -1, 1));
 *   Twin y = s.allocate(n);
 *   s.run(b -> b.activationForward(ActivationKind.TANH, 0f, x.on(b), y.on(b), n));
 *   s.expectClose("tanh", y, Tolerances.TRANSCENDENTAL);
 * }
 * }</pre>
 */
public final class Session implements AutoCloseable {
  private final Backend underTest;
  private final Backend reference;
  private final long liveAtStart;
  private final long referenceLiveAtStart;
  private final List<DeviceBuffer> owned = new ArrayList<>();
  private Backend view;

  public Session(Backend underTest, Backend reference) {
    if (underTest == reference) {
      throw new IllegalArgumentException(
          "the backend under test and the reference must be distinct instances");
    }
    this.underTest = underTest;
    this.reference = reference;
    this.view = underTest;
    this.liveAtStart = underTest.memoryStats().liveBuffers();
    this.referenceLiveAtStart = reference.memoryStats().liveBuffers();
  }

  /**
   * Runs the ops of this session on {@code wrap(underTest)} instead, e.g. a {@link SpiDefaultsView}
   * to test the SPI's default methods on top of the backend's required ops.
   */
  public Session viewedAs(UnaryOperator<Backend> wrap) {
    this.view = wrap.apply(underTest);
    return this;
  }

  public Backend reference() {
    return reference;
  }

  boolean isUnderTest(Backend backend) {
    return backend == underTest || backend == view;
  }

  /** Uploads the same host data to both backends. */
  public Twin upload(float[] host) {
    Twin t = allocate(host.length);
    underTest.upload(host, 0, t.underTest(), 0, host.length);
    reference.upload(host, 0, t.reference(), 0, host.length);
    return t;
  }

  /** Allocates {@code length} floats on both backends, contents undefined. */
  public Twin allocate(int length) {
    DeviceBuffer u = own(underTest.allocate(length));
    DeviceBuffer r = own(reference.allocate(length));
    return new Twin(this, u, r, length);
  }

  /** Uploads data to the reference only, for computing magnitudes (sums of |products|). */
  public DeviceBuffer referenceOnly(float[] host) {
    DeviceBuffer r = own(reference.allocate(host.length));
    reference.upload(host, 0, r, 0, host.length);
    return r;
  }

  /** Runs the op on the backend under test (or its view), then on the reference. */
  public void run(Consumer<Backend> op) {
    op.accept(view);
    op.accept(reference);
  }

  /** Runs the op on the backend under test (or its view) only. */
  public void runUnderTest(Consumer<Backend> op) {
    op.accept(view);
  }

  /** The backend under test's copy, downloaded. */
  public float[] got(Twin t) {
    float[] host = new float[t.length()];
    underTest.download(t.underTest(), 0, host, 0, host.length);
    return host;
  }

  /** The reference's copy, downloaded. */
  public float[] want(Twin t) {
    return readReference(t.reference(), t.length());
  }

  public float[] readReference(DeviceBuffer buffer, int length) {
    float[] host = new float[length];
    reference.download(buffer, 0, host, 0, length);
    return host;
  }

  /** Asserts both copies agree within {@code tol}. */
  public void expectClose(String what, Twin t, Tolerance tol) {
    Compare.close(what, got(t), want(t), tol);
  }

  /**
   * Asserts both copies agree within {@code tol}, given each element's term count and sum of
   * |terms|.
   */
  public void expectClose(String what, Twin t, Tolerance tol, float[] magnitude, long terms) {
    Compare.close(what, got(t), want(t), tol, magnitude, terms);
  }

  private DeviceBuffer own(DeviceBuffer buffer) {
    owned.add(buffer);
    return buffer;
  }

  @Override
  public void close() {
    for (DeviceBuffer b : owned) b.close();
    underTest.synchronize();
    reference.synchronize();
    long live = underTest.memoryStats().liveBuffers();
    if (live != liveAtStart) {
      throw new AssertionFailedError(
          underTest.id()
              + " holds "
              + live
              + " live buffers after the check, "
              + liveAtStart
              + " before it: an op leaked (or freed) a buffer it did not own");
    }
    long referenceLive = reference.memoryStats().liveBuffers();
    if (referenceLive != referenceLiveAtStart) {
      throw new AssertionFailedError(
          "reference holds "
              + referenceLive
              + " live buffers, "
              + referenceLiveAtStart
              + " before");
    }
  }
}
