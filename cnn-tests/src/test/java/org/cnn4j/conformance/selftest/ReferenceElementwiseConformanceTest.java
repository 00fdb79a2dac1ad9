package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.ElementwiseConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceElementwiseConformanceTest extends ElementwiseConformance {
  ReferenceElementwiseConformanceTest() {
    super("reference");
  }
}
