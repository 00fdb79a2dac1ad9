package org.cnn4j.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A {@code CUdeviceptr} that tells its raw address, so kernel arguments can be passed as plain
 * 64-bit values ({@code base + offset}) rather than through JCuda's pointer-to-pointer objects.
 */
final class DevicePtr extends CUdeviceptr {
  /** The device address (valid after cuMemAlloc filled it in). */
  long address() {
    return getNativePointer();
  }
}
