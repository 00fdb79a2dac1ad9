package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.EpilogueConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceEpilogueConformanceTest extends EpilogueConformance {
  ReferenceEpilogueConformanceTest() {
    super("reference");
  }
}
