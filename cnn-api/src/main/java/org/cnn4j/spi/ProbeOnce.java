package org.cnn4j.spi;

import java.util.function.Supplier;

/**
 * A provider's {@link BackendProvider#probe()} answer, computed on the first call and cached, as
 * the SPI requires: probing loads native libraries and may query devices, which is done once.
 *
 * <pre>{@code
 * private final ProbeOnce probe = new ProbeOnce(MyProvider::probeNow);
 *
 * public Availability probe() {
 *   return probe.get();
 * }
 * }</pre>
 */
public final class ProbeOnce {
  private final Supplier<Availability> probe;
  private volatile Availability answer;

  /**
   * @param probe computes the answer; it must not throw (catch {@link Throwable} and answer {@link
   *     Availability#unavailable})
   */
  public ProbeOnce(Supplier<Availability> probe) {
    this.probe = probe;
  }

  /** The answer, probing on the first call only (threads racing to it wait for the one probe). */
  public Availability get() {
    Availability a = answer;
    if (a == null) {
      synchronized (this) {
        a = answer;
        if (a == null) answer = a = probe.get();
      }
    }
    return a;
  }
}
