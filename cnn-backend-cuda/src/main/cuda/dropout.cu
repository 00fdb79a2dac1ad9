// Dropout masks from org.cnn4j.spi.DropoutRng, bit for bit: element i hashes
// seed + (i + 1) * golden with SplitMix64's finaliser in 64-bit unsigned arithmetic (which wraps
// exactly as Java's long does; Java's >>> is the unsigned shift) and keeps the top 24 bits.
// Indexing: grid-stride loop, one element per step. keepScale = (float) (1.0 / (1.0 - rate)),
// rounded once on the host as the reference does.
#include "common.cuh"

extern "C" __global__ void dropout_mask(unsigned long long seed, float rate, float keepScale,
                                        float* mask, long long n) {
  GRID_STRIDE_LOOP(i, n) {
    unsigned long long z = seed + ((unsigned long long)i + 1ULL) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z = z ^ (z >> 31);
    const float u = (float)(z >> 40) * 0x1.0p-24f;
    mask[i] = u < rate ? 0.0f : keepScale;
  }
}
