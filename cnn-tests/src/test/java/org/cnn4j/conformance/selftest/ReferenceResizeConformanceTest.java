package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.ResizeConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceResizeConformanceTest extends ResizeConformance {
  ReferenceResizeConformanceTest() {
    super("reference");
  }
}
