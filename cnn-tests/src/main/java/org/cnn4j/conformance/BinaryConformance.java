package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.BinaryChecks.BackwardCase;
import org.cnn4j.conformance.BinaryChecks.BroadcastCase;
import org.cnn4j.conformance.BinaryChecks.NanCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Binary-op conformance beyond the same-shape cases: binaryBroadcast on NumPy's broadcasting
 * patterns and binaryBackward for every BinaryOp (ties of MAX and MIN, POW at a zero base), NaN
 * through MAX, MIN, POW and the comparisons (with ties).
 */
public abstract class BinaryConformance extends ConformanceTest {
  protected BinaryConformance(String providerId) {
    super(providerId);
  }

  static List<BroadcastCase> broadcastCases() {
    return BinaryChecks.broadcastCases();
  }

  static List<BackwardCase> backwardCases() {
    return BinaryChecks.backwardCases();
  }

  static List<NanCase> nanCases() {
    return BinaryChecks.nanCases();
  }

  private BinaryChecks checks() {
    return new BinaryChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broadcastCases")
  void binaryBroadcast(BroadcastCase c) {
    checks().broadcast(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backwardCases")
  void binaryBackward(BackwardCase c) {
    checks().backward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nanCases")
  void binaryWithNaN(NanCase c) {
    checks().binaryWithNaN(c);
  }

  @Test
  void binaryBroadcastRejectsBadViews() {
    checks().rejectsBadViews();
  }
}
