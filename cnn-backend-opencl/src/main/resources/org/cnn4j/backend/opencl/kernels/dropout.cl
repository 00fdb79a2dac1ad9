// Dropout masks from org.cnn4j.spi.DropoutRng, bit for bit: element i hashes
// seed + (i + 1) * golden with SplitMix64's finaliser in 64-bit unsigned arithmetic (which wraps
// exactly as Java's long does) and keeps the top 24 bits. One work item per element.

__kernel void dropout_mask(ulong seed, float rate, float keepScale, __global float* mask,
                           long n) {
  const long i = get_global_id(0);
  if (i >= n) return;
  ulong z = seed + ((ulong)i + 1UL) * 0x9E3779B97F4A7C15UL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
  z = z ^ (z >> 31);
  const float u = (float)(z >> 40) * 0x1.0p-24f;
  mask[i] = u < rate ? 0.0f : keepScale;
}
