package org.cnn4j.backend.cpu;

import static java.lang.invoke.MethodType.methodType;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;

/**
 * Indexed float access to off-heap memory at a fixed address, bounds-checked once per op by the
 * caller rather than per element. HotSpot compiles {@code sun.misc.Unsafe} reads and writes to
 * plain loads and stores, which direct {@link java.nio.FloatBuffer}s (per-element bounds and scope
 * checks) do not always reach in the hot loops of pooling and activations.
 *
 * <p>Unsafe is reached by reflection and called through {@code static final} method handles bound
 * to it: the JIT treats such handles as constants and inlines them to the same loads and stores,
 * and the code names no internal API, so it compiles with every javac warning an error (a direct
 * reference to sun.misc.Unsafe draws a warning that no option can suppress).
 */
final class Floats {
  private static final MethodHandle GET_FLOAT; // (long address) float
  private static final MethodHandle PUT_FLOAT; // (long address, float value) void
  private static final MethodHandle COPY_BETWEEN; // (Object, long, Object, long, long bytes) void
  private static final MethodHandle COPY; // (long from, long to, long bytes) void
  private static final MethodHandle SET; // (long address, long bytes, byte value) void
  private static final long FLOAT_ARRAY_BASE;
  private static final long INT_ARRAY_BASE;

  static {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field instance = unsafeClass.getDeclaredField("theUnsafe");
      instance.setAccessible(true);
      Object unsafe = instance.get(null);
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      GET_FLOAT =
          lookup
              .findVirtual(unsafeClass, "getFloat", methodType(float.class, long.class))
              .bindTo(unsafe);
      PUT_FLOAT =
          lookup
              .findVirtual(unsafeClass, "putFloat", methodType(void.class, long.class, float.class))
              .bindTo(unsafe);
      COPY_BETWEEN =
          lookup
              .findVirtual(
                  unsafeClass,
                  "copyMemory",
                  methodType(
                      void.class, Object.class, long.class, Object.class, long.class, long.class))
              .bindTo(unsafe);
      COPY =
          lookup
              .findVirtual(
                  unsafeClass,
                  "copyMemory",
                  methodType(void.class, long.class, long.class, long.class))
              .bindTo(unsafe);
      SET =
          lookup
              .findVirtual(
                  unsafeClass,
                  "setMemory",
                  methodType(void.class, long.class, long.class, byte.class))
              .bindTo(unsafe);
      FLOAT_ARRAY_BASE =
          (int)
              lookup
                  .findVirtual(unsafeClass, "arrayBaseOffset", methodType(int.class, Class.class))
                  .invoke(unsafe, float[].class);
      INT_ARRAY_BASE =
          (int)
              lookup
                  .findVirtual(unsafeClass, "arrayBaseOffset", methodType(int.class, Class.class))
                  .invoke(unsafe, int[].class);
    } catch (Throwable t) {
      throw new ExceptionInInitializerError(t);
    }
  }

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
    try {
      return (float) GET_FLOAT.invokeExact(address + ((long) i << 2));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  void put(int i, float v) {
    try {
      PUT_FLOAT.invokeExact(address + ((long) i << 2), v);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Copies {@code len} floats from the array into this memory at {@code index}. */
  void put(int index, float[] src, int srcOffset, int len) {
    copyIn(index, src, src.length, FLOAT_ARRAY_BASE, srcOffset, len);
  }

  /** Copies {@code len} float bit patterns from the int array into this memory at {@code index}. */
  void putBits(int index, int[] src, int srcOffset, int len) {
    copyIn(index, src, src.length, INT_ARRAY_BASE, srcOffset, len);
  }

  /** Copies {@code len} 4-byte values from an array of 4-byte elements into this memory. */
  private void copyIn(
      int index, Object src, int srcLength, long arrayBase, int srcOffset, int len) {
    if (srcOffset < 0 || len < 0 || srcOffset + len > srcLength)
      throw new IndexOutOfBoundsException();
    try {
      COPY_BETWEEN.invokeExact(
          src,
          arrayBase + ((long) srcOffset << 2),
          (Object) null,
          address + ((long) index << 2),
          (long) len << 2);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Copies {@code len} floats from this memory at {@code index} into the array. */
  void get(int index, float[] dst, int dstOffset, int len) {
    copyOut(index, dst, dst.length, FLOAT_ARRAY_BASE, dstOffset, len);
  }

  /**
   * Copies the bits of {@code len} floats from this memory at {@code index} into the int array:
   * integer loops over an array are what HotSpot compiles best.
   */
  void getBits(int index, int[] dst, int dstOffset, int len) {
    copyOut(index, dst, dst.length, INT_ARRAY_BASE, dstOffset, len);
  }

  /** Copies {@code len} 4-byte values from this memory into an array of 4-byte elements. */
  private void copyOut(
      int index, Object dst, int dstLength, long arrayBase, int dstOffset, int len) {
    if (dstOffset < 0 || len < 0 || dstOffset + len > dstLength)
      throw new IndexOutOfBoundsException();
    try {
      COPY_BETWEEN.invokeExact(
          (Object) null,
          address + ((long) index << 2),
          dst,
          arrayBase + ((long) dstOffset << 2),
          (long) len << 2);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Copies {@code len} floats from {@code src} at {@code srcIndex} to this memory at {@code index}.
   */
  void put(int index, Floats src, int srcIndex, int len) {
    try {
      COPY.invokeExact(
          src.address + ((long) srcIndex << 2), address + ((long) index << 2), (long) len << 2);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Sets {@code len} floats from {@code index} to +0.0. */
  void zero(long index, long len) {
    try {
      SET.invokeExact(address + (index << 2), len << 2, (byte) 0);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Unsafe's memory methods throw nothing checked; anything else is a bug, not a user error. */
  private static RuntimeException unexpected(Throwable t) {
    if (t instanceof RuntimeException r) return r;
    if (t instanceof Error e) throw e;
    return new IllegalStateException(t);
  }
}
