package org.cnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.BackendException;
import org.junit.jupiter.api.Test;

class CachingAllocatorTest {
  /** A device of {@code capacity} bytes that records every allocate and free. */
  static final class FakeMemory implements CachingAllocator.DeviceMemory<long[]> {
    final long capacity;
    long used;
    final List<Long> allocations = new ArrayList<>();
    final List<Long> frees = new ArrayList<>();

    FakeMemory(long capacity) {
      this.capacity = capacity;
    }

    @Override
    public long[] allocate(long bytes) {
      if (used + bytes > capacity)
        throw CuStatus.failure(CuStatus.OUT_OF_MEMORY, "cuMemAlloc", bytes + " bytes");
      used += bytes;
      allocations.add(bytes);
      return new long[] {bytes};
    }

    @Override
    public void free(long[] handle) {
      used -= handle[0];
      frees.add(handle[0]);
    }
  }

  @Test
  void smallRequestsRoundUpToPowersOfTwoOfAtLeast512Bytes() {
    assertEquals(512, CachingAllocator.bucketBytes(0));
    assertEquals(512, CachingAllocator.bucketBytes(4));
    assertEquals(512, CachingAllocator.bucketBytes(512));
    assertEquals(1024, CachingAllocator.bucketBytes(513));
    assertEquals(1 << 20, CachingAllocator.bucketBytes((1 << 19) + 1));
    assertEquals(1 << 20, CachingAllocator.bucketBytes(1 << 20));
  }

  @Test
  void largeRequestsRoundUpToEighthsOfTheirOctave() {
    long mib = 1 << 20;
    // (1 MiB, 2 MiB] steps by 128 KiB.
    assertEquals(mib + 128 * 1024, CachingAllocator.bucketBytes(mib + 1));
    assertEquals(2 * mib, CachingAllocator.bucketBytes(2 * mib));
    // (64 MiB, 128 MiB] steps by 8 MiB.
    assertEquals(72 * mib, CachingAllocator.bucketBytes(64 * mib + 1));
    for (long bytes = 1; bytes < (1L << 34); bytes = bytes * 3 + 7) {
      long bucket = CachingAllocator.bucketBytes(bytes);
      assertTrue(bucket >= bytes, "bucket covers the request " + bytes);
      if (bytes > mib) assertTrue(bucket - bytes <= bytes / 8, "at most 12.5% waste for " + bytes);
    }
  }

  @Test
  void aFreedBlockIsReusedForTheSameBucketWithoutAllocating() {
    FakeMemory memory = new FakeMemory(1L << 30);
    try (CachingAllocator<long[]> cache = new CachingAllocator<>(memory)) {
      CachingAllocator.Block<long[]> a = cache.acquire(1000);
      cache.release(a);
      assertEquals(1024, cache.cachedBytes());
      CachingAllocator.Block<long[]> b = cache.acquire(900); // same 1 KiB bucket
      assertSame(a.handle(), b.handle());
      assertEquals(List.of(1024L), memory.allocations);
      assertEquals(0, cache.cachedBytes());
      CachingAllocator.Block<long[]> c = cache.acquire(2000); // another bucket: a new block
      assertNotSame(a.handle(), c.handle());
      assertEquals(2, memory.allocations.size());
      cache.release(b);
      cache.release(c);
    }
  }

  @Test
  void outOfMemoryReleasesTheCacheAndRetriesOnce() {
    FakeMemory memory = new FakeMemory(4096);
    try (CachingAllocator<long[]> cache = new CachingAllocator<>(memory)) {
      cache.release(cache.acquire(2048));
      cache.release(cache.acquire(1024));
      assertEquals(3072, memory.used);
      CachingAllocator.Block<long[]> big = cache.acquire(4096);
      assertEquals(4096, big.bytes());
      assertEquals(java.util.Set.of(2048L, 1024L), java.util.Set.copyOf(memory.frees));
      assertEquals(0, cache.cachedBytes());
      BackendException e = assertThrows(BackendException.class, () -> cache.acquire(512));
      assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.status());
      cache.release(big);
    }
  }

  @Test
  void closeFreesEveryCachedBlockAndLaterReleasesFreeAtOnce() {
    FakeMemory memory = new FakeMemory(1L << 30);
    CachingAllocator<long[]> cache = new CachingAllocator<>(memory);
    CachingAllocator.Block<long[]> kept = cache.acquire(100);
    cache.release(cache.acquire(5000));
    cache.release(cache.acquire(3L << 20));
    cache.close();
    assertEquals(512, memory.used, "only the block still in use is left");
    cache.release(kept);
    assertEquals(0, memory.used);
    assertEquals(0, cache.reservedBytes());
    assertThrows(IllegalStateException.class, () -> cache.acquire(1));
  }
}
