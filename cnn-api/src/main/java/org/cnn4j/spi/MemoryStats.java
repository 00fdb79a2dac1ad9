package org.cnn4j.spi;

/** Live and peak memory of one backend, in buffers the caller allocated (pools excluded). */
public record MemoryStats(long liveBuffers, long liveBytes, long peakBytes) {}
