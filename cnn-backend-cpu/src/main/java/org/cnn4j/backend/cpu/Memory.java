package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;

/** The memory ops: host transfers, copies and fills of off-heap buffers. */
final class Memory {
  private final Parallel parallel;

  Memory(Parallel parallel) {
    this.parallel = parallel;
  }

  void upload(float[] src, int srcOffset, DeviceBuffer dst, long dstOffset, int len) {
    Ranges.check("upload", dst, dstOffset, len);
    floats(dst).put((int) dstOffset, src, srcOffset, len);
  }

  void download(DeviceBuffer src, long srcOffset, float[] dst, int dstOffset, int len) {
    Ranges.check("download", src, srcOffset, len);
    floats(src).get((int) srcOffset, dst, dstOffset, len);
  }

  void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long len) {
    Ranges.check("copy", src, srcOffset, len);
    Ranges.check("copy", dst, dstOffset, len);
    floats(dst).put((int) dstOffset, floats(src), (int) srcOffset, (int) len);
  }

  void fill(DeviceBuffer b, long offset, long len, float value) {
    Ranges.check("fill", b, offset, len);
    if (value == 0f && Float.floatToRawIntBits(value) == 0) {
      floats(b).zero(offset, len);
      return;
    }
    Floats d = floats(b);
    int from = (int) offset;
    parallel.forRange(
        (int) len,
        len,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) d.put(from + i, value);
        });
  }
}
