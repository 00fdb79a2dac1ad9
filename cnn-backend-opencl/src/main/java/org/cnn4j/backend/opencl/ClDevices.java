package org.cnn4j.backend.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.cnn4j.spi.BackendException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Finds the OpenCL platforms and devices of this machine and picks the one to run on. */
final class ClDevices {
  static final String INSTALL_HINT =
      "install an OpenCL driver: for CPUs `apt-get install"
          + " pocl-opencl-icd ocl-icd-libopencl1`, for GPUs the vendor's driver (NVIDIA, AMD ROCm,"
          + " Intel compute-runtime)";

  private static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;

  private ClDevices() {}

  /**
   * Every device of every platform, numbered in that order.
   *
   * @throws BackendException saying what to install when there is no platform or no device
   * @throws UnsatisfiedLinkError when JOCL or the OpenCL loader cannot be loaded
   */
  static List<ClDevice> discover() {
    int[] count = new int[1];
    int status = clGetPlatformIDs(0, null, count);
    if (status == CL_PLATFORM_NOT_FOUND_KHR || (status == ClStatus.SUCCESS && count[0] == 0)) {
      throw new BackendException(
          OpenClBackendProvider.ID,
          "probe",
          ClStatus.name(status),
          "the OpenCL loader found no platform (no ICD registered in "
              + vendorsDirectory()
              + "); "
              + INSTALL_HINT,
          null);
    }
    ClStatus.check(status, "clGetPlatformIDs", "listing OpenCL platforms");
    cl_platform_id[] platforms = new cl_platform_id[count[0]];
    ClStatus.check(
        clGetPlatformIDs(platforms.length, platforms, null),
        "clGetPlatformIDs",
        "listing OpenCL platforms");
    List<ClDevice> devices = new ArrayList<>();
    List<String> platformNames = new ArrayList<>();
    for (cl_platform_id platform : platforms) {
      String platformName = platformString(platform, CL_PLATFORM_NAME);
      platformNames.add(platformName);
      int[] n = new int[1];
      int s = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
      if (s == -1 /* CL_DEVICE_NOT_FOUND */ || n[0] == 0) continue;
      ClStatus.check(s, "clGetDeviceIDs", "listing the devices of " + platformName);
      cl_device_id[] ids = new cl_device_id[n[0]];
      ClStatus.check(
          clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null),
          "clGetDeviceIDs",
          "listing the devices of " + platformName);
      for (cl_device_id id : ids) devices.add(describe(devices.size(), platform, platformName, id));
    }
    if (devices.isEmpty()) {
      throw new BackendException(
          OpenClBackendProvider.ID,
          "probe",
          "CL_DEVICE_NOT_FOUND",
          "OpenCL platform(s) " + platformNames + " offer no device; " + INSTALL_HINT,
          null);
    }
    return List.copyOf(devices);
  }

  /** Where ocl-icd looks for ICD files: {@code OCL_ICD_VENDORS} when set, else the system's. */
  private static String vendorsDirectory() {
    String override = System.getenv("OCL_ICD_VENDORS");
    return override == null || override.isBlank()
        ? "/etc/OpenCL/vendors"
        : override + " (OCL_ICD_VENDORS)";
  }

  /**
   * The device {@code selector} names (an index into {@code all} or a case-insensitive substring of
   * the device name); without one, the first GPU, else the first device.
   *
   * @throws BackendException listing the devices when nothing matches
   */
  static ClDevice choose(List<ClDevice> all, Optional<String> selector) {
    if (selector.isEmpty() || selector.get().isBlank()) {
      return all.stream().filter(ClDevice::gpu).findFirst().orElse(all.get(0));
    }
    String wanted = selector.get().trim();
    if (wanted.chars().allMatch(Character::isDigit)) {
      int index = Integer.parseInt(wanted);
      if (index < all.size()) return all.get(index);
    } else {
      String needle = wanted.toLowerCase(Locale.ROOT);
      for (ClDevice d : all) {
        if (d.name().toLowerCase(Locale.ROOT).contains(needle)) return d;
      }
    }
    throw new BackendException(
        OpenClBackendProvider.ID,
        "select device",
        "-Dcnn4j.opencl.device="
            + wanted
            + " matches no device; present: "
            + all.stream().map(ClDevice::summary).toList());
  }

  private static ClDevice describe(
      int index, cl_platform_id platform, String platformName, cl_device_id id) {
    long[] type = new long[1];
    ClStatus.check(
        clGetDeviceInfo(id, CL_DEVICE_TYPE, Sizeof.cl_long, Pointer.to(type), null),
        "clGetDeviceInfo",
        "CL_DEVICE_TYPE");
    int[] units = new int[1];
    ClStatus.check(
        clGetDeviceInfo(id, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null),
        "clGetDeviceInfo",
        "CL_DEVICE_MAX_COMPUTE_UNITS");
    long[] workGroup = new long[1];
    ClStatus.check(
        clGetDeviceInfo(
            id, CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(workGroup), null),
        "clGetDeviceInfo",
        "CL_DEVICE_MAX_WORK_GROUP_SIZE");
    long[] mem = new long[1];
    ClStatus.check(
        clGetDeviceInfo(id, CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong, Pointer.to(mem), null),
        "clGetDeviceInfo",
        "CL_DEVICE_GLOBAL_MEM_SIZE");
    long[] alloc = new long[1];
    ClStatus.check(
        clGetDeviceInfo(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, Sizeof.cl_ulong, Pointer.to(alloc), null),
        "clGetDeviceInfo",
        "CL_DEVICE_MAX_MEM_ALLOC_SIZE");
    return new ClDevice(
        index,
        platform,
        id,
        platformName,
        deviceString(id, CL_DEVICE_NAME),
        deviceString(id, CL_DEVICE_VERSION),
        deviceString(id, CL_DRIVER_VERSION),
        (type[0] & CL_DEVICE_TYPE_GPU) != 0,
        Math.max(1, units[0]),
        Math.max(1, workGroup[0]),
        mem[0],
        alloc[0]);
  }

  private static String platformString(cl_platform_id platform, int param) {
    long[] size = new long[1];
    ClStatus.check(clGetPlatformInfo(platform, param, 0, null, size), "clGetPlatformInfo", "size");
    byte[] bytes = new byte[(int) size[0]];
    ClStatus.check(
        clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null),
        "clGetPlatformInfo",
        "value");
    return cString(bytes);
  }

  private static String deviceString(cl_device_id device, int param) {
    long[] size = new long[1];
    ClStatus.check(clGetDeviceInfo(device, param, 0, null, size), "clGetDeviceInfo", "size");
    byte[] bytes = new byte[(int) size[0]];
    ClStatus.check(
        clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null),
        "clGetDeviceInfo",
        "value");
    return cString(bytes);
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) end++;
    return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
  }
}
