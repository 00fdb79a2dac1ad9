package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.UnaryChecks.UnaryCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Unary-op conformance: every UnaryOp forward and backward on its domain (POW at several
 * exponents), in place, and the forward on special values; short buffers rejected.
 */
public abstract class UnaryConformance extends ConformanceTest {
  protected UnaryConformance(String providerId) {
    super(providerId);
  }

  static List<UnaryCase> forwardCases() {
    return UnaryChecks.forwardCases();
  }

  static List<UnaryCase> backwardCases() {
    return UnaryChecks.backwardCases();
  }

  private UnaryChecks checks() {
    return new UnaryChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forwardCases")
  void unary(UnaryCase c) {
    checks().forward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backwardCases")
  void unaryBackward(UnaryCase c) {
    checks().backward(c);
  }

  @Test
  void unaryRejectsShortBuffers() {
    checks().rejectsShortBuffers();
  }
}
