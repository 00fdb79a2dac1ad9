package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.ConvolutionChecks.ConvCase;
import org.cnn4j.conformance.ConvolutionChecks.FusedCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolution conformance: forward, backward-data, backward-filter and backward-bias on 1x1
 * kernels, stride larger than the kernel, odd sizes, valid and same padding, dilation 2, n = 1, c =
 * 1 and 2 groups, each through the backend and through the SPI's im2col + GEMM defaults; the fused
 * layer ops (every activation, with and without bias, with and without dx) called directly; and
 * im2col / col2im themselves.
 */
public abstract class ConvolutionConformance extends ConformanceTest {
  protected ConvolutionConformance(String providerId) {
    super(providerId);
  }

  /** The area on a backend opened with {@code config} (a second code path of the same backend). */
  protected ConvolutionConformance(String providerId, org.cnn4j.spi.BackendConfig config) {
    super(providerId, config);
  }

  static List<ConvCase> convCases() {
    return ConvolutionChecks.cases();
  }

  static List<ConvCase> geometries() {
    return ConvolutionChecks.geometries();
  }

  static List<FusedCase> fusedForwardCases() {
    return ConvolutionChecks.fusedForwardCases();
  }

  static List<FusedCase> fusedBackwardCases() {
    return ConvolutionChecks.fusedBackwardCases();
  }

  private ConvolutionChecks checks() {
    return new ConvolutionChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("convCases")
  void forward(ConvCase c) {
    checks().forward(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("convCases")
  void backwardData(ConvCase c) {
    checks().backwardData(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("convCases")
  void backwardFilter(ConvCase c) {
    checks().backwardFilter(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("convCases")
  void backwardBias(ConvCase c) {
    checks().backwardBias(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fusedForwardCases")
  void forwardFused(FusedCase c) {
    checks().forwardFused(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fusedForwardCases")
  void forwardResidual(FusedCase c) {
    checks().forwardResidual(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fusedBackwardCases")
  void backwardFused(FusedCase c) {
    checks().backwardFused(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("geometries")
  void im2col(ConvCase c) {
    checks().im2col(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("geometries")
  void col2im(ConvCase c) {
    checks().col2im(c);
  }
}
