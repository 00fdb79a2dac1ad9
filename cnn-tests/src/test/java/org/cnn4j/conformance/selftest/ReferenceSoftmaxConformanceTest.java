package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.SoftmaxConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceSoftmaxConformanceTest extends SoftmaxConformance {
  ReferenceSoftmaxConformanceTest() {
    super("reference");
  }
}
