package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.ReductionChecks.BiasCase;
import org.cnn4j.conformance.ReductionChecks.MiddleCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reduction and broadcast conformance: reduceMiddle, broadcastMiddle, biasAdd (both paths). */
public abstract class ReductionConformance extends ConformanceTest {
  protected ReductionConformance(String providerId) {
    super(providerId);
  }

  static List<MiddleCase> reduceCases() {
    return ReductionChecks.reduceCases();
  }

  static List<MiddleCase> broadcastCases() {
    return ReductionChecks.broadcastCases();
  }

  static List<BiasCase> biasCases() {
    return ReductionChecks.biasCases();
  }

  private ReductionChecks checks() {
    return new ReductionChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reduceCases")
  void reduceMiddle(MiddleCase c) {
    checks().reduceMiddle(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broadcastCases")
  void broadcastMiddle(MiddleCase c) {
    checks().broadcastMiddle(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("biasCases")
  void biasAdd(BiasCase c) {
    checks().biasAdd(c);
  }
}
