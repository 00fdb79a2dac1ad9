package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.BatchNormChecks.BatchNormCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch-norm conformance: batch statistics, apply (also in place), both in one training call,
 * training-mode backward.
 */
public abstract class BatchNormConformance extends ConformanceTest {
  protected BatchNormConformance(String providerId) {
    super(providerId);
  }

  /** With backend options: e.g. a backend's other path for the same ops. */
  protected BatchNormConformance(String providerId, org.cnn4j.spi.BackendConfig config) {
    super(providerId, config);
  }

  static List<BatchNormCase> batchNormCases() {
    return BatchNormChecks.cases();
  }

  private BatchNormChecks checks() {
    return new BatchNormChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("batchNormCases")
  void statistics(BatchNormCase c) {
    checks().statistics(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("batchNormCases")
  void apply(BatchNormCase c) {
    checks().apply(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("batchNormCases")
  void training(BatchNormCase c) {
    checks().training(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("batchNormCases")
  void backward(BatchNormCase c) {
    checks().backward(c);
  }
}
