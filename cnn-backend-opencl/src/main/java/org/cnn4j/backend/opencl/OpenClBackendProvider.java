package org.cnn4j.backend.opencl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendProvider;
import org.cnn4j.spi.ProbeOnce;

/**
 * The OpenCL backend's {@link java.util.ServiceLoader} entry. Nothing native happens until {@link
 * #probe()} or {@link #open}: JOCL's classes load its native library in their static initialisers,
 * so they are touched only inside those methods.
 */
public final class OpenClBackendProvider implements BackendProvider {
  /** The id users name this backend by. */
  public static final String ID = "opencl";

  private static final String DEVICE_OPTION = "device";

  /** Rows of C per GEMM work item, a tuning knob for benchmarks. */
  private static final String GEMM_ROWS_OPTION = "gemmRows";

  private final ProbeOnce probe = new ProbeOnce(OpenClBackendProvider::probeNow);

  @Override
  public String id() {
    return ID;
  }

  /**
   * On a GPU or accelerator above the CPU backend (10) and below CUDA (100); on a CPU device (PoCL)
   * below the CPU backend, which trains several times faster on the same cores. Read from the
   * probe, which is cached.
   */
  @Override
  public int priority() {
    Availability a = probe();
    return a.available() && "false".equals(a.details().get("gpu")) ? 5 : 50;
  }

  @Override
  public Availability probe() {
    return probe.get();
  }

  @Override
  public Backend open(BackendConfig config) {
    Availability availability = probe();
    if (!availability.available()) {
      throw new BackendException(ID, "open", availability.reason());
    }
    ClDevice device = ClDevices.choose(ClDevices.discover(), config.get(ID, DEVICE_OPTION));
    int gemmRows =
        config.get(ID, GEMM_ROWS_OPTION).map(Integer::parseInt).orElse(ClGemm.DEFAULT_TILE_M);
    return new OpenClBackend(device, gemmRows);
  }

  private static Availability probeNow() {
    try {
      List<ClDevice> all = ClDevices.discover();
      ClDevice chosen = ClDevices.choose(all, BackendConfig.defaults().get(ID, DEVICE_OPTION));
      Map<String, String> details = new LinkedHashMap<>();
      details.put("platform", chosen.platformName());
      details.put("device", chosen.name());
      details.put("gpu", Boolean.toString(chosen.gpu()));
      details.put("openclVersion", chosen.openclVersion());
      details.put("driverVersion", chosen.driverVersion());
      details.put("computeUnits", Integer.toString(chosen.computeUnits()));
      details.put("globalMemoryMiB", Long.toString(chosen.globalMemBytes() >> 20));
      details.put("devices", String.join("; ", all.stream().map(ClDevice::summary).toList()));
      return Availability.available(details);
    } catch (BackendException e) {
      return Availability.unavailable(e.getMessage());
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return Availability.unavailable(
          "no OpenCL loader could be loaded (libOpenCL.so.1, OpenCL.dll"
              + " or the OpenCL framework: "
              + e.getMessage()
              + "); "
              + ClDevices.INSTALL_HINT);
    } catch (Throwable e) {
      return Availability.unavailable(
          "OpenCL probing failed with " + e + "; " + ClDevices.INSTALL_HINT);
    }
  }
}
