package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.LayerGradientChecks.LayerCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layer-gradient conformance: every layer's backward, composed from the backend's ops, agrees with
 * central finite differences of its forward, and its forward and gradients with the reference's.
 */
public abstract class LayerGradientConformance extends ConformanceTest {
  protected LayerGradientConformance(String providerId) {
    super(providerId);
  }

  static List<LayerCase> layerCases() {
    return LayerGradientChecks.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layerCases")
  void gradientsMatchFiniteDifferences(LayerCase c) {
    new LayerGradientChecks(backend(), reference()).gradientsMatchFiniteDifferences(c);
  }
}
