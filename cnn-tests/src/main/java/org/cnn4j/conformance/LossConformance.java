package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.LossChecks.LossCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loss conformance: every LossKind with and without gradient, large logits, saturated
 * probabilities.
 */
public abstract class LossConformance extends ConformanceTest {
  protected LossConformance(String providerId) {
    super(providerId);
  }

  static List<LossCase> lossCases() {
    return LossChecks.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lossCases")
  void loss(LossCase c) {
    new LossChecks(backend(), reference()).loss(c);
  }
}
