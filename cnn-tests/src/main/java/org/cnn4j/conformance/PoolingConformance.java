package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.PoolingChecks.PoolCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pooling conformance: max and average, forward and backward, valid and same padding, the tie rule.
 */
public abstract class PoolingConformance extends ConformanceTest {
  protected PoolingConformance(String providerId) {
    super(providerId);
  }

  static List<PoolCase> poolCases() {
    return PoolingChecks.cases();
  }

  private PoolingChecks checks() {
    return new PoolingChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("poolCases")
  void maxForward(PoolCase c) {
    checks().maxForward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("poolCases")
  void maxBackward(PoolCase c) {
    checks().maxBackward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("poolCases")
  void avgForward(PoolCase c) {
    checks().avgForward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("poolCases")
  void avgBackward(PoolCase c) {
    checks().avgBackward(c);
  }

  @Test
  void maxPoolTiesGoToTheFirstMaximumInRowMajorOrder() {
    checks().maxPoolTies();
  }
}
