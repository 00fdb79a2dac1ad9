package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.BatchNormConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceBatchNormConformanceTest extends BatchNormConformance {
  ReferenceBatchNormConformanceTest() {
    super("reference");
  }
}
