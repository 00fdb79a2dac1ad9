package org.cnn4j.conformance;

import org.cnn4j.spi.Backend;

/**
 * The base of an area's checks: holds the backend under test and the reference. A check method
 * takes one case, runs it on both, and throws {@link AssertionError} when they disagree; it can be
 * called from JUnit (the area's {@code *Conformance} class) or against any backend (the suite's own
 * tests run it against deliberately broken ones).
 */
public abstract class Checks {
  protected final Backend underTest;
  protected final Backend reference;

  protected Checks(Backend underTest, Backend reference) {
    this.underTest = underTest;
    this.reference = reference;
  }

  /** A session whose ops run on the backend itself. */
  protected Session session() {
    return new Session(underTest, reference);
  }

  /** A session whose ops run through {@code path}. */
  protected Session session(OpPath path) {
    return new Session(underTest, reference).viewedAs(path::view);
  }
}
