package org.cnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class VersionTest {
  @Test
  void isThePomsProjectVersion() {
    String expected = System.getProperty("cnn4j.expected.version");
    assumeTrue(expected != null, "run by Maven, which passes the POM's version");
    assertEquals(expected, Version.get());
  }

  @Test
  void looksLikeAVersion() {
    assertTrue(Version.get().matches("\\d+\\.\\d+\\.\\d+([-.][0-9A-Za-z.-]+)?"), Version.get());
  }
}
