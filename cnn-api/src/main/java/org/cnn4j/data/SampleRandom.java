package org.cnn4j.data;

import java.util.SplittableRandom;

/**
 * Random generators keyed by (seed, sample, draw), so an augmentation drawn for a sample does not
 * depend on which thread handles it or in which order: the same seed gives the same images.
 */
public final class SampleRandom {
  private SampleRandom() {}

  /**
   * The generator for the {@code draw}-th augmentation of sample {@code sample} (draw 0 in the
   * first epoch, 1 in the second, ...).
   */
  public static SplittableRandom of(long seed, long sample, long draw) {
    long s = mix(seed ^ 0x6A09E667F3BCC909L);
    s = mix(s + 0x9E3779B97F4A7C15L * (sample + 1));
    s = mix(s + 0xBF58476D1CE4E5B9L * (draw + 1));
    return new SplittableRandom(s);
  }

  /** SplitMix64's finaliser: every input bit affects every output bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
