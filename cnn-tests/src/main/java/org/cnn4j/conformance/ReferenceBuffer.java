package org.cnn4j.conformance;

import org.cnn4j.spi.DeviceBuffer;

/**
 * A {@link ReferenceBackend} buffer: a host float array. New buffers hold NaN, so an op that reads
 * memory it should only write shows up as NaN in the reference's output.
 */
final class ReferenceBuffer implements DeviceBuffer {
  private final ReferenceBackend owner;
  private final float[] data;
  private boolean closed;

  ReferenceBuffer(ReferenceBackend owner, int length) {
    this.owner = owner;
    this.data = new float[length];
    java.util.Arrays.fill(data, Float.NaN);
  }

  ReferenceBackend owner() {
    return owner;
  }

  /** The contents; throws once the buffer is closed, since using a closed buffer is an error. */
  float[] data() {
    if (closed)
      throw new IllegalStateException(
          "reference buffer of " + data.length + " floats used after close()");
    return data;
  }

  @Override
  public long length() {
    return data.length;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    owner.released(this);
  }
}
