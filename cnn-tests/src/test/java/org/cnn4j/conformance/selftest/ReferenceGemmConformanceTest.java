package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.GemmConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceGemmConformanceTest extends GemmConformance {
  ReferenceGemmConformanceTest() {
    super("reference");
  }
}
