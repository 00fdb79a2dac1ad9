package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.LayoutConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceLayoutConformanceTest extends LayoutConformance {
  ReferenceLayoutConformanceTest() {
    super("reference");
  }
}
