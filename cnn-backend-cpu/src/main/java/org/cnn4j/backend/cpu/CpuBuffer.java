package org.cnn4j.backend.cpu;

import java.util.function.BooleanSupplier;
import org.bytedeco.javacpp.FloatPointer;
import org.cnn4j.spi.DeviceBuffer;

/**
 * Off-heap float memory from the backend's {@link BufferPool}. {@link #data} is a direct view the
 * Java loops index; {@link #pointer} is what BLAS receives. Closing returns the memory to the pool.
 *
 * <p>Ops reach a buffer's memory only through {@link #own}, which counts each op that does (readers
 * too): what is derived from the contents, its NaN check and a kernel's copy in oneDNN's blocked
 * layout, holds while that count is the one it was derived at. An op that only reads may take the
 * buffer through {@link #reading} instead, which leaves the count, so a model's inference passes
 * reuse their kernels' derived state until something writes the kernel (or reads it through {@link
 * #own}: counting too often only costs a recomputation).
 */
final class CpuBuffer implements DeviceBuffer {
  final FloatPointer pointer;
  final Floats data;
  private final long length;
  private final BufferPool pool;
  private boolean closed;
  // Not atomic: ops on one buffer from two lanes at once only read it (a write races with any
  // reader anyway), and a lost increment among concurrent ones still changes the count.
  private long touches;
  private long nanFreeAt = -1;
  private long nanFreeLength;
  private long lastReorderAt = -1;
  private KernelCopy copy;

  /**
   * A kernel reordered into one primitive's layout: valid while the kernel's touches are {@code
   * at}.
   */
  private record KernelCopy(DnnlSession session, Object layout, long at, CpuBuffer storage) {}

  /**
   * Where a primitive's reorder of this kernel goes: {@code storage} (null: the primitive's own
   * memory) and whether it holds the reordered kernel already.
   */
  record Kept(CpuBuffer storage, boolean current) {}

  /** Reorder into the primitive's own memory: no copy is kept for this read. */
  private static final Kept NOT_KEPT = new Kept(null, false);

  CpuBuffer(FloatPointer pointer, long length, BufferPool pool) {
    this.pointer = pointer;
    this.length = length;
    this.pool = pool;
    this.data = new Floats(pointer.address(), length);
  }

  @Override
  public long length() {
    return length;
  }

  /** The count of ops that reached this buffer through {@link #own}: see the class comment. */
  @Override
  public long version() {
    return touches;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (copy != null) copy.storage.close();
    copy = null;
    pool.release(this);
  }

  /**
   * Whether the first {@code n} floats hold no NaN: {@code scan} (true when it finds none) runs
   * once, and again only after an op reached the buffer through {@link #own}.
   */
  boolean nanFree(long n, BooleanSupplier scan) {
    long at = touches;
    if (nanFreeAt == at && n <= nanFreeLength) return true;
    if (!scan.getAsBoolean()) return false;
    nanFreeLength = n;
    nanFreeAt = at;
    return true;
  }

  /** Records that the first {@code n} floats hold no NaN, as the op that just wrote them knows. */
  void markNanFree(long n) {
    nanFreeLength = n;
    nanFreeAt = touches;
  }

  /**
   * Where {@code layout} (one reorder of one session's primitive) should reorder this kernel to,
   * {@code bytes} long. The second time a layout reads the kernel unchanged, the kernel gets a copy
   * of its own in that layout, kept until the kernel changes (a batch-1 inference of ResNet50
   * reordered its 53 kernels anew on every call, about 30 ms); a kernel that changes between reads
   * (training) keeps nothing. Only a session that serialises its runs may call this, and only on
   * its own copy: another session's copy may be in use (null, the primitive's own memory, then).
   */
  Kept keptCopy(DnnlSession session, Object layout, long bytes) {
    if (copy != null && copy.session != session) return NOT_KEPT;
    if (copy != null && copy.layout == layout && copy.at == touches) {
      return new Kept(copy.storage, true);
    }
    if (lastReorderAt != touches) {
      lastReorderAt = touches;
      return NOT_KEPT;
    }
    if (copy != null) copy.storage.close();
    copy = new KernelCopy(session, layout, touches, pool.allocate((bytes + 3) / Float.BYTES));
    return new Kept(copy.storage, false);
  }

  /** The buffer as this backend's, or an error naming what is wrong with it. */
  static CpuBuffer own(DeviceBuffer b) {
    CpuBuffer c = reading(b);
    c.touches++;
    return c;
  }

  /**
   * As {@link #own}, for an op that only reads the buffer: what was derived from its contents stays
   * valid.
   */
  static CpuBuffer reading(DeviceBuffer b) {
    if (!(b instanceof CpuBuffer c)) {
      throw new IllegalArgumentException("not a cpu buffer: " + b);
    }
    c.pool.guard.ensureUsable();
    if (c.isClosed()) throw new IllegalStateException("cpu buffer used after close()");
    return c;
  }

  /** The buffer's floats, after the checks of {@link #own}. */
  static Floats floats(DeviceBuffer b) {
    return own(b).data;
  }

  @Override
  public String toString() {
    return "CpuBuffer[" + length + (closed ? ", closed]" : "]");
  }
}
