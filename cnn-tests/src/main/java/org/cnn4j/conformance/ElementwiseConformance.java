package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.ElementwiseChecks.ActivationCase;
import org.cnn4j.conformance.ElementwiseChecks.AxpbyCase;
import org.cnn4j.conformance.ElementwiseChecks.BinaryCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Element-wise conformance: every activation forward and backward (also in place), binary ops,
 * axpby.
 */
public abstract class ElementwiseConformance extends ConformanceTest {
  protected ElementwiseConformance(String providerId) {
    super(providerId);
  }

  static List<ActivationCase> activationCases() {
    return ElementwiseChecks.activationCases();
  }

  static List<BinaryCase> binaryCases() {
    return ElementwiseChecks.binaryCases();
  }

  static List<AxpbyCase> axpbyCases() {
    return ElementwiseChecks.axpbyCases();
  }

  private ElementwiseChecks checks() {
    return new ElementwiseChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activationCases")
  void activationForward(ActivationCase c) {
    checks().forward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activationCases")
  void activationBackward(ActivationCase c) {
    checks().backward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryCases")
  void binary(BinaryCase c) {
    checks().binary(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("axpbyCases")
  void axpby(AxpbyCase c) {
    checks().axpby(c);
  }
}
