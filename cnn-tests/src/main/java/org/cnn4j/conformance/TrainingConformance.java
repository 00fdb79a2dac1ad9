package org.cnn4j.conformance;

import org.junit.jupiter.api.Test;

/** Training conformance: a short run of the lesson's network matches the reference step by step. */
public abstract class TrainingConformance extends ConformanceTest {
  protected TrainingConformance(String providerId) {
    super(providerId);
  }

  @Test
  void shortTrainingRunMatchesTheReferenceStepByStep() {
    new TrainingChecks(backend(), reference()).shortRunMatchesTheReference();
  }
}
