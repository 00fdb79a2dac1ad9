package org.cnn4j.backend.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device found on this machine, with the properties the backend sizes its work by.
 *
 * @param index position in the list of all devices of all platforms (what {@code
 *     -Dcnn4j.opencl.device=INDEX} names)
 */
record ClDevice(
    int index,
    cl_platform_id platform,
    cl_device_id device,
    String platformName,
    String name,
    String openclVersion,
    String driverVersion,
    boolean gpu,
    int computeUnits,
    long maxWorkGroupSize,
    long globalMemBytes,
    long maxAllocBytes) {

  /** One line for logs and the probe's device list. */
  String summary() {
    return index
        + ": "
        + name
        + " ("
        + (gpu ? "GPU" : "non-GPU")
        + ", "
        + platformName
        + ", "
        + openclVersion.trim()
        + ")";
  }
}
