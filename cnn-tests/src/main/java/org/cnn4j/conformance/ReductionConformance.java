package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.ReductionChecks.AxesCase;
import org.cnn4j.conformance.ReductionChecks.BiasCase;
import org.cnn4j.conformance.ReductionChecks.MiddleCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reduction and broadcast conformance: reduce over every pattern of axes (SUM, MAX, MIN, NaN),
 * reduceMiddle, broadcastMiddle, biasAdd (both paths).
 */
public abstract class ReductionConformance extends ConformanceTest {
  protected ReductionConformance(String providerId) {
    super(providerId);
  }

  static List<AxesCase> axesCases() {
    return ReductionChecks.axesCases();
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
  @MethodSource("axesCases")
  void reduce(AxesCase c) {
    checks().reduce(c);
  }

  @Test
  void reduceRejectsBadAxes() {
    checks().rejectsBadAxes();
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
