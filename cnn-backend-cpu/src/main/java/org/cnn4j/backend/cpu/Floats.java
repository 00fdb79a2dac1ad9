package org.cnn4j.backend.cpu;

import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * Indexed float access to off-heap memory at a fixed address, bounds-checked once per op by the
 * caller rather than per element. HotSpot compiles {@link Unsafe} reads and writes to plain loads
 * and stores, which direct {@link java.nio.FloatBuffer}s (per-element bounds and scope checks) do
 * not always reach in the hot loops of pooling and activations.
 */
final class Floats {
  private static final Unsafe U = unsafe();
  private static final long FLOAT_ARRAY_BASE = U.arrayBaseOffset(float[].class);

  private final long address;
  private final long length;

  Floats(long address, long length) {
    this.address = address;
    this.length = length;
  }

  long length() {
    return length;
  }

  float get(int i) {
    return U.getFloat(address + ((long) i << 2));
  }

  void put(int i, float v) {
    U.putFloat(address + ((long) i << 2), v);
  }

  /** Copies {@code len} floats from the array into this memory at {@code index}. */
  void put(int index, float[] src, int srcOffset, int len) {
    if (srcOffset < 0 || len < 0 || srcOffset + len > src.length)
      throw new IndexOutOfBoundsException();
    U.copyMemory(
        src,
        FLOAT_ARRAY_BASE + ((long) srcOffset << 2),
        null,
        address + ((long) index << 2),
        (long) len << 2);
  }

  /** Copies {@code len} floats from this memory at {@code index} into the array. */
  void get(int index, float[] dst, int dstOffset, int len) {
    if (dstOffset < 0 || len < 0 || dstOffset + len > dst.length)
      throw new IndexOutOfBoundsException();
    U.copyMemory(
        null,
        address + ((long) index << 2),
        dst,
        FLOAT_ARRAY_BASE + ((long) dstOffset << 2),
        (long) len << 2);
  }

  /**
   * Copies {@code len} floats from {@code src} at {@code srcIndex} to this memory at {@code index}.
   */
  void put(int index, Floats src, int srcIndex, int len) {
    U.copyMemory(
        src.address + ((long) srcIndex << 2), address + ((long) index << 2), (long) len << 2);
  }

  /** Sets {@code len} floats from {@code index} to +0.0. */
  void zero(long index, long len) {
    U.setMemory(address + (index << 2), len << 2, (byte) 0);
  }

  private static Unsafe unsafe() {
    try {
      Field f = Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
