package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.PoolingConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferencePoolingConformanceTest extends PoolingConformance {
  ReferencePoolingConformanceTest() {
    super("reference");
  }
}
