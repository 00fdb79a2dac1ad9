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

/**
 * The device's primary context (shared with cuBLAS, which uses the runtime API) and the one stream
 * every op of the backend is issued on, so ops run in the order called and only {@code download}
 * and {@code synchronize} wait. The place native results are checked: after a device fault (a
 * kernel crash poisons the context) every later call fails with the first fault as its cause.
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
  private volatile BackendException fault;
  private volatile boolean closed;

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

  boolean isClosed() {
    return closed;
  }

  /** Checks a CUresult (see {@link CuStatus#check}); a device fault is latched. */
  void check(int result, String op, String detail) {
    if (result == CuStatus.SUCCESS) return;
    BackendException e = CuStatus.failure(result, op, detail);
    if (CuStatus.isDeviceFault(result) && fault == null) fault = e;
    throw e;
  }

  /** Throws if an earlier fault poisoned the context or it was closed; makes it current here. */
  void ensureHealthy(String op) {
    BackendException first = fault;
    if (first != null) {
      throw new BackendException(
          CudaBackendProvider.ID,
          op,
          first.status(),
          "the GPU failed earlier and this backend can no longer be used",
          first);
    }
    if (closed) throw new IllegalStateException("the CUDA backend is closed");
    if (!currentHere.get()) {
      check(
          cuCtxSetCurrent(context),
          "cuCtxSetCurrent",
          "binding the context to " + Thread.currentThread().getName());
      currentHere.set(true);
    }
  }

  /** Waits for the stream; surfaces asynchronous kernel faults under {@code op}'s name. */
  void synchronize(String op) {
    check(
        cuStreamSynchronize(stream), op, "waiting for the stream (a kernel issued earlier failed)");
  }

  /** Binds the context to this thread for cleanup, ignoring a latched fault. */
  void bindForCleanup() {
    if (!closed && !currentHere.get()) {
      cuCtxSetCurrent(context);
      currentHere.set(true);
    }
  }

  @Override
  public void close() {
    if (closed) return;
    if (!currentHere.get()) cuCtxSetCurrent(context);
    cuStreamSynchronize(stream);
    cuStreamDestroy(stream);
    closed = true;
    cuDevicePrimaryCtxRelease(handle);
  }
}
