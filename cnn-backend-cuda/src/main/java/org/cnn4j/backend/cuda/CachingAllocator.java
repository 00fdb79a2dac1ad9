package org.cnn4j.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.cnn4j.spi.BackendException;

/**
 * Device memory reuse: a freed block goes to the free list of its size bucket and the next request
 * of that bucket takes it back, so a training loop that allocates the same shapes every step stops
 * calling {@code cuMemAlloc} (which synchronizes the device) after its first step. Blocks are
 * reused in stream order: every op runs on the backend's one stream, so work queued before a block
 * was freed finishes before work queued after it was reused.
 *
 * <p>Buckets: requests up to 1 MiB round up to a power of two (at least 512 bytes); larger ones to
 * a multiple of an eighth of their power of two, so at most 12.5% is wasted. When the device runs
 * out of memory, the free lists are released and the request retried once. {@link #close()} frees
 * every cached block.
 *
 * @param <H> the device handle (a {@code CUdeviceptr}; a fake in tests)
 */
final class CachingAllocator<H> implements AutoCloseable {
  /** The native allocate/free pair behind the cache. */
  interface DeviceMemory<H> {
    /**
     * Allocates {@code bytes}; throws a {@link BackendException} with status
     * CUDA_ERROR_OUT_OF_MEMORY when full.
     */
    H allocate(long bytes);

    void free(H handle);
  }

  /** One device block of {@code bytes} (its bucket size). */
  record Block<H>(H handle, long bytes) {}

  static final long SMALL_LIMIT = 1L << 20;
  static final long MIN_BLOCK = 512;

  private final DeviceMemory<H> memory;
  private final Map<Long, ArrayDeque<Block<H>>> free = new HashMap<>();
  private long cachedBytes;
  private long reservedBytes;
  private boolean closed;

  CachingAllocator(DeviceMemory<H> memory) {
    this.memory = memory;
  }

  /** The bucket a request of {@code bytes} is served from. */
  static long bucketBytes(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes);
    if (bytes <= MIN_BLOCK) return MIN_BLOCK;
    long pow = Long.highestOneBit(bytes - 1) << 1; // smallest power of two >= bytes
    if (bytes <= SMALL_LIMIT) return pow;
    long step = pow / 16; // eighths of the octave [pow / 2, pow]
    return (bytes + step - 1) / step * step;
  }

  /** A block of at least {@code bytes}, from the cache when one of its bucket is free. */
  synchronized Block<H> acquire(long bytes) {
    if (closed) throw new IllegalStateException("the CUDA allocator is closed");
    long size = bucketBytes(bytes);
    ArrayDeque<Block<H>> list = free.get(size);
    if (list != null && !list.isEmpty()) {
      cachedBytes -= size;
      return list.pop();
    }
    H handle;
    try {
      handle = memory.allocate(size);
    } catch (BackendException e) {
      if (!CuStatus.name(CuStatus.OUT_OF_MEMORY).equals(e.status()) || cachedBytes == 0) throw e;
      releaseCached();
      handle = memory.allocate(size);
    }
    reservedBytes += size;
    return new Block<>(handle, size);
  }

  /** Returns a block to its bucket's free list (after close, frees it at once). */
  synchronized void release(Block<H> block) {
    if (closed) {
      memory.free(block.handle());
      reservedBytes -= block.bytes();
      return;
    }
    free.computeIfAbsent(block.bytes(), k -> new ArrayDeque<>()).push(block);
    cachedBytes += block.bytes();
  }

  /** Frees every cached block (the device memory in use stays). */
  synchronized void releaseCached() {
    for (ArrayDeque<Block<H>> list : free.values()) {
      for (Block<H> b : list) {
        memory.free(b.handle());
        reservedBytes -= b.bytes();
      }
    }
    free.clear();
    cachedBytes = 0;
  }

  /** Bytes held in free lists. */
  synchronized long cachedBytes() {
    return cachedBytes;
  }

  /** Bytes allocated from the device: in use plus cached. */
  synchronized long reservedBytes() {
    return reservedBytes;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    releaseCached();
    closed = true;
  }
}
