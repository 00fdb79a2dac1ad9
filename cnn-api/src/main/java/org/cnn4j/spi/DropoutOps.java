package org.cnn4j.spi;

/** The dropout family of the SPI: masks from a seed. See {@link MemoryOps}. */
public interface DropoutOps {

  /**
   * Fills {@code mask[i]} with {@code 0} where {@link DropoutRng#uniform(long, long)} of {@code
   * (seed, i)} is below {@code rate}, else {@code 1 / (1 - rate)}. Every backend gives the same
   * mask for the same seed.
   */
  void dropoutMask(long seed, float rate, DeviceBuffer mask, long n);
}
