package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.EpilogueChecks.BackwardBiasCase;
import org.cnn4j.conformance.EpilogueChecks.BiasActivationCase;
import org.cnn4j.conformance.EpilogueChecks.FusedConvCase;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layer epilogue conformance: biasActivationForward with every activation, activationBackwardBias
 * with every activation whose derivative comes from the output (both through the backend and the
 * SPI defaults), the fused convolutions with the activations Keras 3 added, and the fused backward
 * ops rejecting the activations whose derivative needs the input.
 */
public abstract class EpilogueConformance extends ConformanceTest {
  protected EpilogueConformance(String providerId) {
    super(providerId);
  }

  /** The area on a backend opened with {@code config} (a second code path of the same backend). */
  protected EpilogueConformance(String providerId, BackendConfig config) {
    super(providerId, config);
  }

  static List<BiasActivationCase> biasActivationCases() {
    return EpilogueChecks.biasActivationCases();
  }

  static List<BackwardBiasCase> backwardBiasCases() {
    return EpilogueChecks.backwardBiasCases();
  }

  static List<ActivationKind> inputDerivativeKinds() {
    return EpilogueChecks.inputDerivativeKinds();
  }

  static List<FusedConvCase> fusedForwardCases() {
    return EpilogueChecks.fusedForwardCases();
  }

  static List<FusedConvCase> fusedBackwardCases() {
    return EpilogueChecks.fusedBackwardCases();
  }

  private EpilogueChecks checks() {
    return new EpilogueChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("biasActivationCases")
  void biasActivationForward(BiasActivationCase c) {
    checks().biasActivation(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backwardBiasCases")
  void activationBackwardBias(BackwardBiasCase c) {
    checks().backwardBias(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputDerivativeKinds")
  void fusedBackwardRejectsInputDerivatives(ActivationKind kind) {
    checks().rejectsInputDerivative(kind);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fusedForwardCases")
  void conv2dForwardFused(FusedConvCase c) {
    checks().fusedForward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fusedBackwardCases")
  void conv2dBackwardFused(FusedConvCase c) {
    checks().fusedBackward(c);
  }
}
