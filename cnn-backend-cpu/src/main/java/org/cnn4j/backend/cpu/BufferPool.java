package org.cnn4j.backend.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendGuard;
import org.cnn4j.spi.MemoryStats;

/**
 * A caching allocator: closed buffers keep their memory keyed by length, and the next request of
 * that length reuses it. A training step allocates the same sizes every step, so after the first
 * step nothing is allocated from the system, no pages are faulted in anew, and memory stays flat.
 * Everything is freed by {@link #close()}; a buffer closed after that frees its memory at once.
 *
 * <p>The pool carries the backend's {@link BackendGuard}: the backend and its lanes share the pool,
 * and every buffer reaches it, so one check serves them all.
 */
final class BufferPool implements AutoCloseable {
  /** Open until the backend that owns the pool is closed; checked by every op. */
  final BackendGuard guard = new BackendGuard(CpuBackendProvider.ID);

  private final Map<Long, ArrayDeque<FloatPointer>> free = new HashMap<>();
  private boolean closed;
  private long liveBuffers;
  private long liveBytes;
  private long peakBytes;

  synchronized CpuBuffer allocate(long length) {
    guard.ensureUsable("allocate");
    if (length < 0) throw new IllegalArgumentException("buffer length must be >= 0, got " + length);
    ArrayDeque<FloatPointer> cached = free.get(length);
    FloatPointer p = cached == null ? null : cached.poll();
    if (p == null) p = allocateNative(length);
    liveBuffers++;
    liveBytes += length * 4;
    peakBytes = Math.max(peakBytes, liveBytes);
    return new CpuBuffer(p, length, this);
  }

  /**
   * New off-heap memory for {@code length} floats. When the system refuses, the buffers this pool
   * keeps for reuse are freed and the allocation tried once more; a second refusal is a {@link
   * BackendException} saying how much was asked, never a bare {@link OutOfMemoryError}.
   */
  private FloatPointer allocateNative(long length) {
    try {
      return newPointer(length);
    } catch (BackendException refused) {
      if (free.isEmpty()) throw refused;
      free.values().forEach(q -> q.forEach(FloatPointer::close));
      free.clear();
      return newPointer(length);
    }
  }

  private FloatPointer newPointer(long length) {
    OutOfMemoryError cause = null;
    try {
      FloatPointer p = new FloatPointer(Math.max(1, length));
      if (!p.isNull()) return p;
    } catch (OutOfMemoryError e) {
      cause = e; // from JavaCPP: malloc failed, or its limit on off-heap memory was reached
    }
    throw new BackendException(
        CpuBackendProvider.ID,
        "allocate",
        "",
        "cannot allocate "
            + length * Float.BYTES
            + " bytes ("
            + length
            + " floats) of off-heap memory, with "
            + liveBytes
            + " bytes in live buffers"
            + (cause == null ? "" : " (" + cause.getMessage() + ")")
            + ": use a smaller batch size, or raise JavaCPP's limit on off-heap memory"
            + " (-Dorg.bytedeco.javacpp.maxBytes, by default the JVM's -Xmx)",
        cause);
  }

  synchronized void release(CpuBuffer b) {
    liveBuffers--;
    liveBytes -= b.length() * 4;
    if (closed) {
      b.pointer.close();
      return;
    }
    free.computeIfAbsent(b.length(), k -> new ArrayDeque<>()).push(b.pointer);
  }

  synchronized MemoryStats stats() {
    return new MemoryStats(liveBuffers, liveBytes, peakBytes);
  }

  @Override
  public synchronized void close() {
    closed = true;
    free.values().forEach(q -> q.forEach(FloatPointer::close));
    free.clear();
  }
}
