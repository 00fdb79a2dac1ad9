package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.DropoutRng;
import org.cnn4j.spi.Ranges;

/** Dropout masks from a seed, the same on every backend ({@link DropoutRng}). */
final class Dropout {
  private final Parallel parallel;

  Dropout(Parallel parallel) {
    this.parallel = parallel;
  }

  void dropoutMask(long seed, float rate, DeviceBuffer mask, long n) {
    Ranges.check("dropoutMask", mask, 0, n);
    Floats m = floats(mask);
    float keep = 1f / (1f - rate);
    parallel.forRange(
        (int) n,
        n * 8,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) m.put(i, DropoutRng.uniform(seed, i) < rate ? 0f : keep);
        });
  }
}
