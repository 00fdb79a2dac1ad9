package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.UnaryConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceUnaryConformanceTest extends UnaryConformance {
  ReferenceUnaryConformanceTest() {
    super("reference");
  }
}
