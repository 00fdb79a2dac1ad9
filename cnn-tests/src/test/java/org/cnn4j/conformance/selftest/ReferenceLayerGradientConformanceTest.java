package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.LayerGradientConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceLayerGradientConformanceTest extends LayerGradientConformance {
  ReferenceLayerGradientConformanceTest() {
    super("reference");
  }
}
