package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** An absent backend skips its classes, unless it is required: then it fails them. */
class SkipReasonsTest {
  private final String saved = System.getProperty(SkipReasons.REQUIRE_PROPERTY, "");

  @AfterEach
  void restore() {
    System.setProperty(SkipReasons.REQUIRE_PROPERTY, saved);
  }

  @Test
  void anAbsentBackendSkipsWithTheIdsPresent() {
    System.setProperty(SkipReasons.REQUIRE_PROPERTY, "");
    var e =
        assertThrows(TestAbortedException.class, () -> SkipReasons.openOrSkip("no-such-backend"));
    assertTrue(
        e.getMessage()
            .contains("'no-such-backend' is not on the class path (providers present: reference"),
        e.getMessage());
  }

  @Test
  void anAbsentRequiredBackendFails() {
    System.setProperty(SkipReasons.REQUIRE_PROPERTY, "cpu, no-such-backend");
    var e =
        assertThrows(AssertionFailedError.class, () -> SkipReasons.openOrSkip("no-such-backend"));
    assertTrue(e.getMessage().contains("required"), e.getMessage());
  }

  @Test
  void theRequireListIsTrimmedAndLowerCased() {
    System.setProperty(SkipReasons.REQUIRE_PROPERTY, " CPU ,opencl,");
    assertEquals(java.util.Set.of("cpu", "opencl"), SkipReasons.requiredIds());
  }
}
