package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.OptimizerConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceOptimizerConformanceTest extends OptimizerConformance {
  ReferenceOptimizerConformanceTest() {
    super("reference");
  }
}
