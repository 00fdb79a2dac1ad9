package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.SoftmaxChecks.SoftmaxCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Softmax conformance: forward (large logits stay finite, in place) and backward. */
public abstract class SoftmaxConformance extends ConformanceTest {
  protected SoftmaxConformance(String providerId) {
    super(providerId);
  }

  static List<SoftmaxCase> softmaxCases() {
    return SoftmaxChecks.cases();
  }

  static List<SoftmaxCase> backwardCases() {
    return SoftmaxChecks.backwardCases();
  }

  private SoftmaxChecks checks() {
    return new SoftmaxChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("softmaxCases")
  void softmax(SoftmaxCase c) {
    checks().softmax(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backwardCases")
  void softmaxBackward(SoftmaxCase c) {
    checks().backward(c);
  }
}
