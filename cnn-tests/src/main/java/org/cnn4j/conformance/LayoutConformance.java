package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.LayoutChecks.CopyCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layout conformance: copyStrided between the views of concatenation, slicing, padding, transposes,
 * broadcast reads and nearest upsampling, ranks 1 to 6 with offsets; bad views rejected.
 */
public abstract class LayoutConformance extends ConformanceTest {
  protected LayoutConformance(String providerId) {
    super(providerId);
  }

  static List<CopyCase> copyCases() {
    return LayoutChecks.cases();
  }

  private LayoutChecks checks() {
    return new LayoutChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("copyCases")
  void copyStrided(CopyCase c) {
    checks().copy(c);
  }

  @Test
  void copyStridedRejectsBadViews() {
    checks().rejectsBadViews();
  }
}
