package org.cnn4j.backend.opencl;

import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;

import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendGuard;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;

/**
 * The context and the single in-order command queue of one device, and the place native statuses
 * are checked. Its {@link BackendGuard} makes every call after a device fault (an error that leaves
 * the queue in doubt) fail with the first fault as its cause, and every call after the backend's
 * close fail with an {@link IllegalStateException}, before anything native runs.
 */
final class ClContext implements AutoCloseable {
  private final ClDevice device;
  private final cl_context context;
  private final cl_command_queue queue;
  private final BackendGuard guard = new BackendGuard(OpenClBackendProvider.ID);

  // clCreateCommandQueue is deprecated since OpenCL 2.0, but its replacement does not exist on
  // OpenCL 1.2 platforms (NVIDIA's older drivers, Apple), so the 1.2 call is the portable one.
  @SuppressWarnings("deprecation")
  ClContext(ClDevice device) {
    this.device = device;
    int[] err = new int[1];
    cl_context_properties properties = new cl_context_properties();
    properties.addProperty(org.jocl.CL.CL_CONTEXT_PLATFORM, device.platform());
    context = clCreateContext(properties, 1, new cl_device_id[] {device.device()}, null, null, err);
    ClStatus.check(err[0], "clCreateContext", "creating a context on " + device.name());
    // In order, no profiling: operations run in the order issued, so no events are needed.
    queue = clCreateCommandQueue(context, device.device(), 0, err);
    if (err[0] != ClStatus.SUCCESS) {
      clReleaseContext(context);
      ClStatus.check(err[0], "clCreateCommandQueue", "creating a queue on " + device.name());
    }
  }

  ClDevice device() {
    return device;
  }

  cl_context context() {
    return context;
  }

  cl_command_queue queue() {
    return queue;
  }

  /**
   * Checks a native status (see {@link ClStatus#check}); a device fault is remembered and rethrown
   * by every later {@link #ensureHealthy()}.
   */
  void check(int status, String op, String detail) {
    if (status == ClStatus.SUCCESS) return;
    BackendException e = ClStatus.failure(status, op, detail);
    if (ClStatus.isDeviceFault(status)) guard.fault(e);
    throw e;
  }

  /** Throws if an earlier device fault poisoned this context or the backend was closed. */
  void ensureHealthy(String op) {
    guard.ensureUsable(op);
  }

  /** As {@link #ensureHealthy(String)}, where no op name is at hand (a buffer argument's check). */
  void ensureHealthy() {
    guard.ensureUsable();
  }

  void finish(String op) {
    check(clFinish(queue), op, "waiting for the queue");
  }

  /**
   * Marks the backend closed: true on the first call only, after which every {@link #ensureHealthy}
   * throws. The caller then frees what it holds and calls {@link #close()}.
   */
  boolean markClosed() {
    return guard.close();
  }

  /** Waits for the queue and releases it and the context; call once, after {@link #markClosed}. */
  @Override
  public void close() {
    clFinish(queue);
    clReleaseCommandQueue(queue);
    clReleaseContext(context);
  }
}
