package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.DropoutChecks.DropoutCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Dropout conformance: the mask equals the reference's, its statistics, its values, its seed. */
public abstract class DropoutConformance extends ConformanceTest {
  protected DropoutConformance(String providerId) {
    super(providerId);
  }

  static List<DropoutCase> dropoutCases() {
    return DropoutChecks.cases();
  }

  private DropoutChecks checks() {
    return new DropoutChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dropoutCases")
  void maskEqualsTheReference(DropoutCase c) {
    checks().matchesReference(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dropoutCases")
  void fractionDroppedIsNearTheRate(DropoutCase c) {
    checks().fractionDroppedNearRate(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dropoutCases")
  void keptValuesAreExactlyOneOverOneMinusRate(DropoutCase c) {
    checks().keptValuesAreExactlyTheInverseKeepRate(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dropoutCases")
  void sameSeedGivesTheSameMask(DropoutCase c) {
    checks().seedDeterminesTheMask(c);
  }
}
