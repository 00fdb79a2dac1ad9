package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.OptimizerChecks.OptimizerCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Optimizer conformance: SGD, momentum, Nesterov, Adam, AdamW and RMSprop over several steps. */
public abstract class OptimizerConformance extends ConformanceTest {
  protected OptimizerConformance(String providerId) {
    super(providerId);
  }

  static List<OptimizerCase> optimizerCases() {
    return OptimizerChecks.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizerCases")
  void steps(OptimizerCase c) {
    new OptimizerChecks(backend(), reference()).steps(c);
  }
}
