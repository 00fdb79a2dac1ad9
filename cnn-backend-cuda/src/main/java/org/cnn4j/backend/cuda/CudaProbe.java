package org.cnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;
import org.cnn4j.spi.BackendException;

/**
 * Finds out whether the CUDA backend can run here, in the order a user would fix things: the driver
 * library, a GPU, a driver new enough for the kernels, kernels in the jar, and the module actually
 * loading on the GPU. The only class besides the backend's own that touches JCuda: its classes load
 * {@code libcuda.so.1} in a static initialiser, which throws {@link UnsatisfiedLinkError} on a
 * machine without the driver (and {@link NoClassDefFoundError} on every later use), so everything
 * here runs inside the provider's catch-all.
 */
final class CudaProbe {
  static final String INSTALL_DRIVER =
      "install the NVIDIA driver (R580 or newer, which supports CUDA 13;"
          + " e.g. 'sudo apt install nvidia-driver-580' or https://www.nvidia.com/drivers) and check that"
          + " nvidia-smi lists the GPU";
  static final String NO_KERNELS_HINT =
      "rebuild cnn-backend-cuda with the CUDA toolkit's nvcc on PATH"
          + " (mvn -pl cnn-backend-cuda install), or use a released jar";

  private CudaProbe() {}

  /** The reason when JCuda's driver binding cannot load. */
  static String noDriver(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("libcuda") || e instanceof NoClassDefFoundError) {
      return "the NVIDIA driver library libcuda.so.1 was not found (searched the system library path:"
          + " LD_LIBRARY_PATH and /etc/ld.so.cache); "
          + INSTALL_DRIVER;
    }
    return "JCuda's driver binding could not be loaded on "
        + System.getProperty("os.name")
        + "/"
        + System.getProperty("os.arch")
        + " ("
        + firstLine(message)
        + "); JCuda 12.6 ships natives for"
        + " linux-x86_64 and windows-x86_64; "
        + INSTALL_DRIVER;
  }

  /** The reason when the jar carries no kernels. */
  static String noKernels(KernelImage image) {
    return "this cnn-backend-cuda jar was built without CUDA kernels ("
        + image.reason()
        + "); "
        + NO_KERNELS_HINT;
  }

  /** The reason when the driver is older than the kernels need. */
  static String driverTooOld(int driverVersion, KernelImage image) {
    return "the NVIDIA driver supports CUDA "
        + KernelImage.cudaVersion(driverVersion)
        + ", but the kernels"
        + " were built by nvcc "
        + image.nvcc()
        + " (PTX ISA "
        + image.ptxIsa()
        + ") and need CUDA "
        + KernelImage.cudaVersion(image.minDriver())
        + ", i.e. driver R580 or newer; update the NVIDIA driver";
  }

  /** Every GPU the driver lists; the driver is initialised first. */
  static List<CuDevice> discover() {
    JCudaDriver.setExceptionsEnabled(false);
    int init = cuInit(0);
    if (init == CuStatus.NO_DEVICE) {
      throw new BackendException(
          CudaBackendProvider.ID,
          "cuInit",
          CuStatus.name(init),
          "the NVIDIA driver is installed but sees no CUDA GPU (check nvidia-smi and CUDA_VISIBLE_DEVICES)",
          null);
    }
    if (init == CuStatus.INSUFFICIENT_DRIVER) {
      throw new BackendException(
          CudaBackendProvider.ID,
          "cuInit",
          CuStatus.name(init),
          "the NVIDIA driver is older than the CUDA 12 driver API JCuda needs; " + INSTALL_DRIVER,
          null);
    }
    CuStatus.check(init, "cuInit", "initialising the NVIDIA driver; " + INSTALL_DRIVER);
    int[] value = new int[1];
    CuStatus.check(cuDriverGetVersion(value), "cuDriverGetVersion", "");
    int driver = value[0];
    CuStatus.check(cuDeviceGetCount(value), "cuDeviceGetCount", "");
    List<CuDevice> devices = new ArrayList<>();
    for (int i = 0; i < value[0]; i++) {
      CUdevice d = new CUdevice();
      CuStatus.check(cuDeviceGet(d, i), "cuDeviceGet", "device " + i);
      byte[] name = new byte[256];
      CuStatus.check(cuDeviceGetName(name, name.length, d), "cuDeviceGetName", "device " + i);
      long[] mem = new long[1];
      CuStatus.check(cuDeviceTotalMem(mem, d), "cuDeviceTotalMem", "device " + i);
      devices.add(
          new CuDevice(
              i,
              cString(name),
              attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
              attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
              attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
              mem[0],
              driver));
    }
    if (devices.isEmpty()) {
      throw new BackendException(
          CudaBackendProvider.ID,
          "cuDeviceGetCount",
          CuStatus.name(CuStatus.NO_DEVICE),
          "the NVIDIA driver lists no GPU (check nvidia-smi and CUDA_VISIBLE_DEVICES)",
          null);
    }
    return devices;
  }

  /** The device named by the {@code device} option (an ordinal), else the first. */
  static CuDevice choose(List<CuDevice> devices, Optional<String> option) {
    if (option.isEmpty() || option.get().isBlank()) return devices.get(0);
    int ordinal;
    try {
      ordinal = Integer.parseInt(option.get().trim());
    } catch (NumberFormatException e) {
      throw new BackendException(
          CudaBackendProvider.ID,
          "choose device",
          "cnn4j.cuda.device must be a device number 0.."
              + (devices.size() - 1)
              + ", got '"
              + option.get()
              + "'");
    }
    if (ordinal < 0 || ordinal >= devices.size()) {
      throw new BackendException(
          CudaBackendProvider.ID,
          "choose device",
          "cnn4j.cuda.device="
              + ordinal
              + " but the driver lists "
              + devices.size()
              + " GPU(s): "
              + devices.stream().map(CuDevice::summary).toList());
    }
    return devices.get(ordinal);
  }

  /**
   * The full probe: throws a {@link BackendException} with a user's reason, else returns the
   * details ({@code cnn4j backends} prints them).
   */
  static Map<String, String> run(Optional<String> deviceOption) {
    List<CuDevice> devices = discover();
    CuDevice device = choose(devices, deviceOption);
    KernelImage image = KernelImage.describe();
    if (image.built() && device.driverVersion() < image.minDriver()) {
      throw new BackendException(
          CudaBackendProvider.ID, "probe", driverTooOld(device.driverVersion(), image));
    }
    if (device.ccMajor() * 10 + device.ccMinor() < 75) {
      throw new BackendException(
          CudaBackendProvider.ID,
          "probe",
          device.name()
              + " is sm_"
              + device.ccMajor()
              + device.ccMinor()
              + "; the CUDA backend needs compute capability 7.5 (Turing) or newer");
    }
    byte[] fatbin = KernelImage.fatbin().orElse(null);
    if (!image.built() || fatbin == null) {
      throw new BackendException(CudaBackendProvider.ID, "probe", noKernels(image));
    }
    // Load the module once: proves the driver takes the SASS (or JIT-compiles the PTX) for this
    // GPU.
    try (CuContext cu = new CuContext(device);
        CuModule module = new CuModule(cu, fatbin)) {
      module.function("gemm_nn_small");
    } catch (BackendException e) {
      int status = statusOf(e);
      if (status == CuStatus.UNSUPPORTED_PTX_VERSION
          || status == CuStatus.NO_BINARY_FOR_GPU
          || status == CuStatus.INVALID_PTX) {
        throw new BackendException(
            CudaBackendProvider.ID,
            "cuModuleLoadData",
            e.status(),
            driverTooOld(device.driverVersion(), image)
                + " ("
                + device.name()
                + ", sm_"
                + device.ccMajor()
                + device.ccMinor()
                + ")",
            e);
      }
      throw e;
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("device", device.name());
    details.put("computeCapability", device.computeCapability());
    details.put("multiprocessors", Integer.toString(device.multiprocessors()));
    details.put("memoryMiB", Long.toString(device.totalMemBytes() >> 20));
    details.put("driverCuda", KernelImage.cudaVersion(device.driverVersion()));
    details.put("kernels", image.summary());
    details.put(
        "gemm",
        CublasSupport.probe()
            .map(r -> "own tiled kernel (cuBLAS unavailable: " + r + ")")
            .orElse("cuBLAS (override: -Dcnn4j.cuda.gemm=own)"));
    details.put("devices", String.join("; ", devices.stream().map(CuDevice::summary).toList()));
    return details;
  }

  private static int statusOf(BackendException e) {
    for (int code = 0; code < 1000; code++) {
      if (CuStatus.name(code).equals(e.status())) return code;
    }
    return -1;
  }

  private static int attribute(CUdevice d, int attribute) {
    int[] v = new int[1];
    CuStatus.check(
        cuDeviceGetAttribute(v, attribute, d), "cuDeviceGetAttribute", "attribute " + attribute);
    return v[0];
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) end++;
    return new String(bytes, 0, end, StandardCharsets.US_ASCII);
  }

  static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
