package org.cnn4j.models;

/**
 * Host arrays sized by the user's choices (batch size, data set size), allocated with an error that
 * says how much was asked and what to change instead of a bare {@link NegativeArraySizeException}
 * or "Java heap space".
 */
final class HostArrays {
  /** The longest array HotSpot allocates. */
  static final long MAX_LENGTH = Integer.MAX_VALUE - 8;

  private HostArrays() {}

  /**
   * A float array of {@code length} values for {@code what} ("a batch of 512 samples of shape
   * ..."); {@code advice} ends the message ("use a smaller batch size").
   *
   * @throws IllegalArgumentException when it can never fit: longer than a Java array or larger than
   *     the heap's maximum
   * @throws OutOfMemoryError when the heap has no room for it now
   */
  static float[] floats(long length, String what, String advice) {
    Runtime rt = Runtime.getRuntime();
    if (length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          what
              + " is "
              + length
              + " floats, more than a Java array holds ("
              + MAX_LENGTH
              + "); "
              + advice);
    }
    if (4 * length > rt.maxMemory()) {
      throw new IllegalArgumentException(
          what
              + " needs "
              + mib(4 * length)
              + " but the Java heap is "
              + mib(rt.maxMemory())
              + " (-Xmx); "
              + advice
              + " or a larger heap");
    }
    try {
      return new float[(int) length];
    } catch (OutOfMemoryError e) {
      long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
      OutOfMemoryError clear =
          new OutOfMemoryError(
              what
                  + " needs "
                  + mib(4 * length)
                  + " but the Java heap has about "
                  + mib(Math.max(free, 0))
                  + " free of "
                  + mib(rt.maxMemory())
                  + " (-Xmx); "
                  + advice
                  + " or a larger heap");
      clear.initCause(e);
      throw clear;
    }
  }

  static String mib(long bytes) {
    return (bytes + (1 << 20) - 1 >> 20) + " MiB";
  }
}
