package org.cnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUstream;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendGuard;

/**
 * The device's primary context (shared with cuBLAS, which uses the runtime API) and the one stream
 * every op of the backend is issued on, so ops run in the order called and only {@code download}
 * and {@code synchronize} wait. The place native results are checked; its {@link BackendGuard}
 * makes every call after a device fault (a kernel crash poisons the context) fail with the first
 * fault as its cause, and every call after the backend's close fail with an {@link
 * IllegalStateException}, before anything native runs.
 *
 * <p>A driver-API context is current per thread; {@link #ensureHealthy} makes it current on the
 * calling thread the first time that thread uses the backend (a data pipeline may upload from
 * another thread).
 */
final class CuContext implements AutoCloseable {
  private final CuDevice device;
  private final CUdevice handle = new CUdevice();
  private final CUcontext context = new CUcontext();
  private final CUstream stream = new CUstream();
  private final ThreadLocal<Boolean> currentHere = ThreadLocal.withInitial(() -> false);
  private final BackendGuard guard = new BackendGuard(CudaBackendProvider.ID);

  /** Whether the stream is destroyed and the primary context released. */
  private volatile boolean released;

  CuContext(CuDevice device) {
    this.device = device;
    CuStatus.check(
        cuDeviceGet(handle, device.ordinal()), "cuDeviceGet", "device " + device.ordinal());
    CuStatus.check(
        cuDevicePrimaryCtxRetain(context, handle), "cuDevicePrimaryCtxRetain", device.name());
    int r = cuCtxSetCurrent(context);
    // A blocking stream (flags 0): synchronous copies on the legacy default stream wait for it.
    if (r == CuStatus.SUCCESS) r = cuStreamCreate(stream, 0);
    if (r != CuStatus.SUCCESS) {
      cuDevicePrimaryCtxRelease(handle);
      CuStatus.check(r, "cuStreamCreate", "creating the stream on " + device.name());
    }
    currentHere.set(true);
  }

  CuDevice device() {
    return device;
  }

  CUstream stream() {
    return stream;
  }

  /** Whether the context is released: device memory is gone with it and must not be freed. */
  boolean isReleased() {
    return released;
  }

  /**
   * Marks the backend closed: true on the first call only, after which every {@link #ensureHealthy}
   * throws. The caller then frees what it holds and calls {@link #close()}.
   */
  boolean markClosed() {
    return guard.close();
  }

  /** Checks a CUresult (see {@link CuStatus#check}); a device fault is latched. */
  void check(int result, String op, String detail) {
    if (result == CuStatus.SUCCESS) return;
    BackendException e = CuStatus.failure(result, op, detail);
    if (CuStatus.isDeviceFault(result)) guard.fault(e);
    throw e;
  }

  /** Throws if an earlier fault poisoned the context or it was closed; makes it current here. */
  void ensureHealthy(String op) {
    guard.ensureUsable(op);
    if (!currentHere.get()) {
      check(
          cuCtxSetCurrent(context),
          "cuCtxSetCurrent",
          "binding the context to " + Thread.currentThread().getName());
      currentHere.set(true);
    }
  }

  /**
   * Throws if the backend is closed or failed (a buffer argument's check: no op name, no binding).
   */
  void ensureOpen() {
    guard.ensureUsable();
  }

  /** Waits for the stream; surfaces asynchronous kernel faults under {@code op}'s name. */
  void synchronize(String op) {
    check(
        cuStreamSynchronize(stream), op, "waiting for the stream (a kernel issued earlier failed)");
  }

  /** Binds the context to this thread for cleanup, ignoring a latched fault. */
  void bindForCleanup() {
    if (!released && !currentHere.get()) {
      cuCtxSetCurrent(context);
      currentHere.set(true);
    }
  }

  /** Destroys the stream and releases the context (once); marks the backend closed too. */
  @Override
  public void close() {
    guard.close();
    if (released) return;
    if (!currentHere.get()) cuCtxSetCurrent(context);
    cuStreamSynchronize(stream);
    cuStreamDestroy(stream);
    released = true;
    cuDevicePrimaryCtxRelease(handle);
  }
}
