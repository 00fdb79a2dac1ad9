package org.cnn4j.conformance;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;

/**
 * The same logical tensor on the backend under test and on the reference, with identical contents
 * to start with. {@link #on(Backend)} picks the copy that belongs to the backend an op runs on, so
 * one lambda describes the op for both.
 */
public final class Twin {
  private final Session session;
  private final DeviceBuffer underTest;
  private final DeviceBuffer reference;
  private final int length;

  Twin(Session session, DeviceBuffer underTest, DeviceBuffer reference, int length) {
    this.session = session;
    this.underTest = underTest;
    this.reference = reference;
    this.length = length;
  }

  /**
   * The copy on {@code backend}, which is the session's backend under test (or its view) or its
   * reference.
   */
  public DeviceBuffer on(Backend backend) {
    if (session.isUnderTest(backend)) return underTest;
    if (backend == session.reference()) return reference;
    throw new IllegalArgumentException("backend " + backend.id() + " is not part of this session");
  }

  public int length() {
    return length;
  }

  DeviceBuffer underTest() {
    return underTest;
  }

  DeviceBuffer reference() {
    return reference;
  }
}
