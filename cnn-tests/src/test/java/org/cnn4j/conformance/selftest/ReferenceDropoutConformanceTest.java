package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.DropoutConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceDropoutConformanceTest extends DropoutConformance {
  ReferenceDropoutConformanceTest() {
    super("reference");
  }
}
