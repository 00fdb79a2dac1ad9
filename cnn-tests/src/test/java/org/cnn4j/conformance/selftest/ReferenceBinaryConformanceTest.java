package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.BinaryConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceBinaryConformanceTest extends BinaryConformance {
  ReferenceBinaryConformanceTest() {
    super("reference");
  }
}
