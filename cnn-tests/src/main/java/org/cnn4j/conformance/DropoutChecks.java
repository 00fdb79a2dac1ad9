package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.Backend;
import org.opentest4j.AssertionFailedError;

/**
 * Dropout masks: since {@link org.cnn4j.spi.DropoutRng} specifies the generator, a mask must equal
 * the reference's bit for bit; its statistics are checked as well, so a failure says what is wrong.
 */
public final class DropoutChecks extends Checks {

  public record DropoutCase(int n, float rate, long seed) {
    @Override
    public String toString() {
      return "n=" + n + " rate=" + rate + " seed=" + seed;
    }
  }

  public DropoutChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<DropoutCase> cases() {
    return List.of(
        new DropoutCase(1, 0.5f, 42),
        new DropoutCase(1000, 0.1f, 7),
        new DropoutCase(100_003, 0.5f, 123_456_789L),
        new DropoutCase(65_536, 0.9f, -3),
        new DropoutCase(4097, 0f, 5),
        new DropoutCase(10_000, 0.3f, Long.MAX_VALUE));
  }

  /** The masks {@code seed} draws on both backends of the session, each starting as NaN. */
  private static Twin masks(Session s, DropoutCase c, long seed) {
    Twin m = s.upload(Inputs.filled(c.n(), Float.NaN));
    s.run(b -> b.dropoutMask(seed, c.rate(), m.on(b), c.n()));
    return m;
  }

  /** The mask {@code seed} draws on the backend under test. */
  private static float[] mask(Session s, DropoutCase c, long seed) {
    return s.got(masks(s, c, seed));
  }

  /** The mask equals the reference's exactly. */
  public void matchesReference(DropoutCase c) {
    try (Session s = session()) {
      s.expectClose("dropoutMask " + c, masks(s, c, c.seed()), Tolerances.EXACT);
    }
  }

  /** The fraction dropped is within 5 standard deviations of the rate. */
  public void fractionDroppedNearRate(DropoutCase c) {
    try (Session s = session()) {
      float[] m = mask(s, c, c.seed());
      long dropped = 0;
      for (float v : m) if (v == 0f) dropped++;
      double fraction = (double) dropped / c.n();
      double allowed = 5 * Math.sqrt(c.rate() * (1 - c.rate()) / c.n()) + 1.0 / c.n();
      if (Math.abs(fraction - c.rate()) > allowed) {
        throw new AssertionFailedError(
            "dropoutMask "
                + c
                + ": dropped "
                + fraction
                + " of the elements, expected "
                + c.rate()
                + " +- "
                + allowed);
      }
    }
  }

  /** Every element is 0 or exactly {@code 1 / (1 - rate)}. */
  public void keptValuesAreExactlyTheInverseKeepRate(DropoutCase c) {
    float kept = ReferenceBackend.keptValue(c.rate());
    try (Session s = session()) {
      float[] m = mask(s, c, c.seed());
      for (int i = 0; i < m.length; i++) {
        if (m[i] != 0f && m[i] != kept) {
          throw new AssertionFailedError(
              "dropoutMask "
                  + c
                  + ": element "
                  + i
                  + " is "
                  + m[i]
                  + ", expected 0 or "
                  + kept
                  + " = 1 / (1 - rate)");
        }
      }
    }
  }

  /** Same seed, same mask; another seed, another mask (when there is randomness to see). */
  public void seedDeterminesTheMask(DropoutCase c) {
    try (Session s = session()) {
      float[] first = mask(s, c, c.seed());
      Compare.close(
          "dropoutMask twice with seed " + c.seed(), mask(s, c, c.seed()), first, Tolerances.EXACT);
      if (c.n() >= 100
          && c.rate() > 0f
          && java.util.Arrays.equals(first, mask(s, c, c.seed() + 1))) {
        throw new AssertionFailedError(
            "dropoutMask "
                + c
                + ": seeds "
                + c.seed()
                + " and "
                + (c.seed() + 1)
                + " gave the same mask");
      }
    }
  }
}
