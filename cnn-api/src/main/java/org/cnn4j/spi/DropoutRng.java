package org.cnn4j.spi;

/**
 * The counter-based generator behind dropout masks, so every backend draws the same mask for the
 * same seed without sharing state: element {@code i} hashes {@code seed + i * golden} with
 * SplitMix64's finaliser and keeps the top 24 bits. Device kernels implement the same arithmetic.
 */
public final class DropoutRng {
  private DropoutRng() {}

  /** A uniform value in [0, 1) with 24 random bits, a pure function of seed and index. */
  public static float uniform(long seed, long index) {
    long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 40) * 0x1.0p-24f;
  }
}
