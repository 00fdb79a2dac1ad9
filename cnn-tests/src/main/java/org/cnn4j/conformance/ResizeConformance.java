package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.ResizeChecks.ResizeCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bilinear resize conformance: forward and adjoint, up and down, odd sizes, 1x1. */
public abstract class ResizeConformance extends ConformanceTest {
  protected ResizeConformance(String providerId) {
    super(providerId);
  }

  static List<ResizeCase> cases() {
    return ResizeChecks.cases();
  }

  private ResizeChecks checks() {
    return new ResizeChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resizeBilinear(ResizeCase c) {
    checks().forward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resizeBilinearBackward(ResizeCase c) {
    checks().backward(c);
  }
}
