package org.cnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jcuda.Pointer;
import jcuda.driver.CUevent;

/**
 * Uploads without waiting for the GPU: the host array is copied into one slot of a ring of pinned
 * buffers, and the slot's copy to the device is queued on the stream behind the work already
 * issued. A slot is reused only after the event recorded behind its last copy has passed, so with
 * {@value #SLOTS} slots a training step's input upload does not wait for the previous step's
 * compute. Uploads larger than a slot go through the ring in slot-sized pieces.
 */
final class CuStaging implements AutoCloseable {
  static final int SLOTS = 4;
  static final int SLOT_FLOATS = 1 << 20; // 4 MiB pinned per slot

  private final CuContext cu;
  private final Pointer[] host = new Pointer[SLOTS];
  private final FloatBuffer[] view = new FloatBuffer[SLOTS];
  private final CUevent[] done = new CUevent[SLOTS];
  private final boolean[] pending = new boolean[SLOTS];
  private int next;

  CuStaging(CuContext cu) {
    this.cu = cu;
  }

  synchronized void upload(float[] src, int srcOffset, CuBuffer dst, long dstOffset, int len) {
    int done0 = 0;
    while (done0 < len) {
      int piece = Math.min(SLOT_FLOATS, len - done0);
      int s = slot();
      view[s].clear();
      view[s].put(src, srcOffset + done0, piece);
      long bytes = (long) piece * Float.BYTES;
      cu.check(
          cuMemcpyHtoDAsync(
              dst.base().withByteOffset((dstOffset + done0) * Float.BYTES),
              host[s],
              bytes,
              cu.stream()),
          "upload",
          piece + " floats");
      cu.check(cuEventRecord(done[s], cu.stream()), "cuEventRecord", "upload slot " + s);
      pending[s] = true;
      done0 += piece;
    }
  }

  /** The next slot, allocated on first use, once its previous copy has finished. */
  private int slot() {
    int s = next;
    next = (next + 1) % SLOTS;
    if (host[s] == null) {
      Pointer p = new Pointer();
      cu.check(
          cuMemAllocHost(p, (long) SLOT_FLOATS * Float.BYTES), "cuMemAllocHost", "upload staging");
      host[s] = p;
      view[s] =
          p.getByteBuffer(0, (long) SLOT_FLOATS * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      done[s] = new CUevent();
      cu.check(
          cuEventCreate(done[s], 2 /* CU_EVENT_DISABLE_TIMING */),
          "cuEventCreate",
          "upload slot " + s);
    } else if (pending[s]) {
      cu.check(cuEventSynchronize(done[s]), "upload", "waiting for staging slot " + s);
      pending[s] = false;
    }
    return s;
  }

  @Override
  public synchronized void close() {
    for (int s = 0; s < SLOTS; s++) {
      if (host[s] == null) continue;
      if (pending[s]) cuEventSynchronize(done[s]);
      cuEventDestroy(done[s]);
      cuMemFreeHost(host[s]);
      host[s] = null;
    }
  }
}
