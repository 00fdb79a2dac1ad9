package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.LayerNormConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceLayerNormConformanceTest extends LayerNormConformance {
  ReferenceLayerNormConformanceTest() {
    super("reference");
  }
}
