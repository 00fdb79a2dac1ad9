package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.LayerNormChecks.LayerNormCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layer normalisation conformance: forward (also in place) and backward, with and without gamma and
 * beta, rows = 1, cols = 1, shifted rows, many rows.
 */
public abstract class LayerNormConformance extends ConformanceTest {
  protected LayerNormConformance(String providerId) {
    super(providerId);
  }

  static List<LayerNormCase> cases() {
    return LayerNormChecks.cases();
  }

  private LayerNormChecks checks() {
    return new LayerNormChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void layerNormForward(LayerNormCase c) {
    checks().forward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void layerNormBackward(LayerNormCase c) {
    checks().backward(c);
  }
}
