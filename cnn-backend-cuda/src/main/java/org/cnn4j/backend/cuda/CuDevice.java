package org.cnn4j.backend.cuda;

/**
 * What the driver reports about one GPU.
 *
 * @param ordinal the device index (as in {@code CUDA_VISIBLE_DEVICES} order)
 * @param driverVersion {@code cuDriverGetVersion()}, e.g. 13000 for CUDA 13.0 (driver R580)
 */
record CuDevice(
    int ordinal,
    String name,
    int ccMajor,
    int ccMinor,
    int multiprocessors,
    long totalMemBytes,
    int driverVersion) {

  String computeCapability() {
    return ccMajor + "." + ccMinor;
  }

  /** One line for {@code cnn4j backends}. */
  String summary() {
    return "#"
        + ordinal
        + " "
        + name
        + " (sm_"
        + ccMajor
        + ccMinor
        + ", "
        + multiprocessors
        + " SMs, "
        + (totalMemBytes >> 20)
        + " MiB)";
  }
}
