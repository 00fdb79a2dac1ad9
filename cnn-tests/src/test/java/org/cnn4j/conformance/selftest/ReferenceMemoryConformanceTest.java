package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.MemoryConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceMemoryConformanceTest extends MemoryConformance {
  ReferenceMemoryConformanceTest() {
    super("reference");
  }
}
