package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.cnn4j.backends.Backends;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The same short training (TrainingChecks' run: identical initial weights, data and order) on every
 * provider on the class path: each backend's per-step losses must match the float64 reference and
 * every backend that ran before it, within the TRAINING tolerance. A backend that cannot run here
 * is skipped with its probe's reason, or fails when -Dcnn4j.conformance.require names it.
 */
class AllBackendsTest {
  private final Map<String, float[]> runs = new LinkedHashMap<>();

  @TestFactory
  Stream<DynamicTest> sameTrainingOnEveryBackend() {
    assertFalse(Backends.providers().isEmpty(), "no backend on the class path");
    try (Backend reference = new ReferenceBackend()) {
      runs.put("reference", TrainingChecks.shortRunLosses(reference));
    }
    return Backends.providers().stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.id() + " trains as the reference and the other backends do",
                    () -> {
                      Availability a = p.probe();
                      if (SkipReasons.isRequired(p.id())) {
                        assertTrue(
                            a.available(),
                            () ->
                                p.id()
                                    + " is required (-Dcnn4j.conformance.require) but cannot run: "
                                    + a.reason());
                      }
                      assumeTrue(a.available(), () -> p.id() + " cannot run here: " + a.reason());
                      float[] losses;
                      try (Backend backend = p.open(BackendConfig.defaults())) {
                        losses = TrainingChecks.shortRunLosses(backend);
                      }
                      Compare.finite(p.id() + " losses", losses);
                      for (Map.Entry<String, float[]> other : runs.entrySet()) {
                        Compare.close(
                            "per-step loss, " + p.id() + " vs " + other.getKey(),
                            losses,
                            other.getValue(),
                            TrainingChecks.TRAINING);
                      }
                      runs.put(p.id(), losses);
                    }));
  }
}
