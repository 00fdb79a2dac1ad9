package org.cnn4j.backend.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.FloatPointer;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendGuard;
import org.cnn4j.spi.MemoryStats;

/**
 * A caching allocator: closed buffers keep their memory, and the next request of that length (or,
 * for large buffers, a little less) reuses it. A training step allocates the same sizes every step,
 * so after the first step nothing is allocated from the system, no pages are faulted in anew, and
 * memory stays flat. Everything is freed by {@link #close()}; a buffer closed after that frees its
 * memory at once.
 *
 * <p>Sizes change with the kind of pass (training, then inference at another batch size): after
 * {@link #startPhase()} a request the cache cannot serve first gives back cached memory of lengths
 * not asked for since, so the memory of one kind of pass is not kept beside the next one's.
 *
 * <p>The pool carries the backend's {@link BackendGuard}: the backend and its lanes share the pool,
 * and every buffer reaches it, so one check serves them all.
 */
final class BufferPool implements AutoCloseable {
  /** Open until the backend that owns the pool is closed; checked by every op. */
  final BackendGuard guard = new BackendGuard(CpuBackendProvider.ID);

  // Cached memory by capacity in floats; no empty queues.
  private final TreeMap<Long, ArrayDeque<FloatPointer>> free = new TreeMap<>();
  // The phase in which each capacity was last handed out.
  private final Map<Long, Long> lastUsed = new HashMap<>();
  private long phase;
  private boolean closed;
  private long liveBuffers;
  private long liveBytes;
  private long peakBytes;

  synchronized CpuBuffer allocate(long length) {
    guard.ensureUsable("allocate");
    if (length < 0) throw new IllegalArgumentException("buffer length must be >= 0, got " + length);
    FloatPointer p = takeCached(length);
    if (p == null) {
      giveBackStale(length * 4);
      p = allocateNative(length);
    }
    lastUsed.put(p.capacity(), phase);
    liveBuffers++;
    liveBytes += p.capacity() * 4;
    peakBytes = Math.max(peakBytes, liveBytes);
    return new CpuBuffer(p, length, this);
  }

  /**
   * The smallest cached memory that holds {@code length} floats and is at most {@link #SLACK}
   * larger, or null. Taking a little more than asked lets the buffers a pass frees serve requests
   * of nearby sizes (a network's activations come in many), where an exact match would allocate.
   */
  private FloatPointer takeCached(long length) {
    long largest = length < SLACK_FROM ? length : length + (long) (length * SLACK);
    Map.Entry<Long, ArrayDeque<FloatPointer>> e = free.ceilingEntry(length);
    if (e == null || e.getKey() > largest) return null;
    FloatPointer p = e.getValue().pop();
    if (e.getValue().isEmpty()) free.remove(e.getKey());
    return p;
  }

  /** How much larger than asked cached memory may be to be reused: a quarter. */
  private static final double SLACK = 0.25;

  /**
   * The length (floats) from which larger cached memory is reused: 4 MB. Below it memory is matched
   * exactly, which kept W1 (all of whose buffers are smaller) at its speed; a quarter more for
   * every buffer measured 0.82-0.87x W1's training images/s in three side-by-side runs.
   */
  private static final long SLACK_FROM = 1L << 20;

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
    liveBytes -= b.pointer.capacity() * 4;
    if (closed) {
      b.pointer.close();
      return;
    }
    free.computeIfAbsent(b.pointer.capacity(), k -> new ArrayDeque<>()).push(b.pointer);
  }

  /** Starts a new phase: see the class comment. */
  synchronized void startPhase() {
    phase++;
  }

  /** Frees cached buffers of lengths not asked for in this phase, until {@code bytes} are freed. */
  private void giveBackStale(long bytes) {
    var it = free.entrySet().iterator();
    while (bytes > 0 && it.hasNext()) {
      var e = it.next();
      if (lastUsed.getOrDefault(e.getKey(), -1L) == phase) continue;
      ArrayDeque<FloatPointer> q = e.getValue();
      while (bytes > 0 && !q.isEmpty()) {
        q.pop().close();
        bytes -= e.getKey() * 4;
      }
      if (q.isEmpty()) it.remove();
    }
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
