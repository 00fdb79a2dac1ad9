package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.GemmChecks.GemmCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GEMM conformance: all four transpose combinations, offsets, leading dimensions larger than the
 * width, k in {1, 7, 1024}, beta 0 over NaN garbage, beta 1, strided batches. A backend module
 * subclasses it with one line: {@code class CpuGemmConformanceTest extends GemmConformance {
 * CpuGemmConformanceTest() { super("cpu"); } }}.
 */
public abstract class GemmConformance extends ConformanceTest {
  protected GemmConformance(String providerId) {
    super(providerId);
  }

  static List<GemmCase> gemmCases() {
    return GemmChecks.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gemmCases")
  void gemm(GemmCase c) {
    new GemmChecks(backend(), reference()).gemm(c);
  }
}
