package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.LossConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceLossConformanceTest extends LossConformance {
  ReferenceLossConformanceTest() {
    super("reference");
  }
}
