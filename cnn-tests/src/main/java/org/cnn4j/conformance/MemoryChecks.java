package org.cnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.BiConsumer;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;

/** allocate, upload, download, copy, fill at offsets; live-buffer accounting; closed buffers. */
public final class MemoryChecks extends Checks {

  /**
   * A buffer of {@code length} floats; the op touches {@code count} of them, reading at {@code
   * srcOffset} and writing at {@code dstOffset}. Everything else must keep its values.
   */
  public record MemoryCase(int length, int srcOffset, int dstOffset, int count) {
    @Override
    public String toString() {
      return "length=" + length + " src@" + srcOffset + " dst@" + dstOffset + " count=" + count;
    }
  }

  /** One way to use a buffer after close(), which must throw. */
  public record ClosedUse(String name, BiConsumer<Backend, DeviceBuffer> use) {
    @Override
    public String toString() {
      return name;
    }
  }

  public MemoryChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<MemoryCase> cases() {
    return List.of(
        new MemoryCase(1, 0, 0, 1),
        new MemoryCase(1000, 0, 0, 1000),
        new MemoryCase(1000, 3, 17, 500),
        new MemoryCase(4099, 4000, 1, 99),
        new MemoryCase(65_537, 1, 0, 65_536));
  }

  public static List<ClosedUse> closedUses() {
    return List.of(
        new ClosedUse("upload", (b, buf) -> b.upload(new float[4], 0, buf, 0, 4)),
        new ClosedUse("download", (b, buf) -> b.download(buf, 0, new float[4], 0, 4)),
        new ClosedUse("fill", (b, buf) -> b.fill(buf, 0, 4, 1f)),
        new ClosedUse(
            "copy from",
            (b, buf) -> {
              try (DeviceBuffer other = b.allocate(4)) {
                b.copy(buf, 0, other, 0, 4);
                b.synchronize();
              }
            }),
        new ClosedUse(
            "copy into",
            (b, buf) -> {
              try (DeviceBuffer other = b.allocate(4)) {
                b.fill(other, 0, 4, 0f);
                b.copy(other, 0, buf, 0, 4);
                b.synchronize();
              }
            }),
        new ClosedUse(
            "axpby",
            (b, buf) -> {
              b.axpby(1f, buf, 0f, buf, 4);
              b.synchronize();
            }));
  }

  /** Upload a slice to an offset, download another slice from the whole buffer. */
  public void uploadDownload(MemoryCase c) {
    Inputs in = Inputs.forCase(c);
    float[] initial = in.uniform(c.length(), -1, 1);
    float[] slice = in.uniform(c.srcOffset() + c.count(), -1, 1);
    try (Session s = session()) {
      Twin t = s.upload(initial);
      s.run(
          b ->
              b.upload(
                  slice,
                  c.srcOffset(),
                  t.on(b),
                  c.dstOffset() % (c.length() - c.count() + 1),
                  c.count()));
      s.expectClose("upload " + c, t, Tolerances.EXACT);
      float[] part = new float[c.count() + 2];
      underTest.download(t.on(underTest), c.length() - c.count(), part, 1, c.count());
      float[] expected = new float[c.count() + 2];
      reference.download(t.on(reference), c.length() - c.count(), expected, 1, c.count());
      Compare.close("download at offset " + c, part, expected, Tolerances.EXACT);
    }
  }

  /** copy between offsets of two buffers. */
  public void copy(MemoryCase c) {
    Inputs in = Inputs.forCase(c);
    try (Session s = session()) {
      Twin src = s.upload(in.uniform(c.length(), -1, 1));
      Twin dst = s.upload(in.uniform(c.length(), -1, 1));
      int dstOffset = c.dstOffset() % (c.length() - c.count() + 1);
      int srcOffset = c.srcOffset() % (c.length() - c.count() + 1);
      s.run(b -> b.copy(src.on(b), srcOffset, dst.on(b), dstOffset, c.count()));
      s.expectClose("copy " + c, dst, Tolerances.EXACT);
    }
  }

  /**
   * fill a range with 0 (often a memset of its own) and with another value; the rest keeps its
   * values.
   */
  public void fill(MemoryCase c) {
    for (float value : new float[] {0f, -7.25f}) {
      try (Session s = session()) {
        Twin t = s.upload(Inputs.forCase(c).uniform(c.length(), -1, 1));
        int offset = c.dstOffset() % (c.length() - c.count() + 1);
        s.run(b -> b.fill(t.on(b), offset, c.count(), value));
        s.expectClose("fill with " + value + " " + c, t, Tolerances.EXACT);
      }
    }
  }

  /**
   * allocate reports its length; live buffers and bytes go up and come back down; close is
   * idempotent.
   */
  public void allocationIsCounted() {
    long before = underTest.memoryStats().liveBuffers();
    long bytesBefore = underTest.memoryStats().liveBytes();
    DeviceBuffer a = underTest.allocate(1000);
    DeviceBuffer b = underTest.allocate(1);
    try {
      assertEquals(1000, a.length(), "length()");
      assertEquals(
          before + 2, underTest.memoryStats().liveBuffers(), "live buffers after two allocations");
      assertTrue(
          underTest.memoryStats().liveBytes() >= bytesBefore + 4 * 1001,
          "live bytes cover 1001 floats");
      assertTrue(
          underTest.memoryStats().peakBytes() >= underTest.memoryStats().liveBytes(),
          "peak >= live");
      assertTrue(!a.isClosed(), "a new buffer is open");
    } finally {
      a.close();
      a.close(); // idempotent: must not count twice
      b.close();
    }
    assertTrue(a.isClosed(), "isClosed() after close()");
    assertEquals(
        before,
        underTest.memoryStats().liveBuffers(),
        "live buffers after closing (close twice counts once)");
  }

  /** Using a closed buffer is an error: the op throws (any RuntimeException) instead of running. */
  @SuppressWarnings("try") // the session is there for its close, which checks for leaked buffers
  public void closedBufferUseThrows(ClosedUse use) {
    try (Session s = session()) {
      DeviceBuffer buf = underTest.allocate(4);
      buf.close();
      assertThrows(
          RuntimeException.class,
          () -> use.use().accept(underTest, buf),
          use.name() + " on a closed buffer");
    }
  }
}
