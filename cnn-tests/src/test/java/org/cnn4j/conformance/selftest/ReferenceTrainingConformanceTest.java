package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.TrainingConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceTrainingConformanceTest extends TrainingConformance {
  ReferenceTrainingConformanceTest() {
    super("reference");
  }
}
