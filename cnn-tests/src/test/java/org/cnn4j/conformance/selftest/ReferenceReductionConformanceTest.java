package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.ReductionConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceReductionConformanceTest extends ReductionConformance {
  ReferenceReductionConformanceTest() {
    super("reference");
  }
}
