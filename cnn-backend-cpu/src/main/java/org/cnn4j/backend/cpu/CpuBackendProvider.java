package org.cnn4j.backend.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendProvider;

/** The CPU backend: OpenBLAS (through JavaCPP) for GEMM, parallel Java for everything else. */
public final class CpuBackendProvider implements BackendProvider {
  public static final String ID = "cpu";
  private volatile Availability availability;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Availability probe() {
    Availability a = availability;
    if (a == null) {
      synchronized (this) {
        a = availability;
        if (a == null) availability = a = probeOnce();
      }
    }
    return a;
  }

  private static Availability probeOnce() {
    try {
      Loader.load(openblas_full.class);
      Map<String, String> details = new LinkedHashMap<>();
      details.put("blas", openblas_full.openblas_get_config().getString().trim());
      details.put("blas.core", openblas_full.openblas_get_corename().getString());
      details.put("javacpp", Loader.getVersion());
      details.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
      details.put("onednn", onednnVersion());
      details.put("omp.wait_policy", ompWaitPolicy());
      return Availability.available(details);
    } catch (Throwable t) {
      return Availability.unavailable("OpenBLAS native library could not load through JavaCPP ("
          + t + "); the jar org.bytedeco:openblas with classifier " + Loader.getPlatform()
          + " must be on the class path");
    }
  }

  /**
   * OpenMP's wait policy as the environment sets it. oneDNN runs on GNU OpenMP, whose idle threads
   * spin by default; next to the backend's own threads on few cores that stalls training, so the
   * cnn4j launcher and the build set PASSIVE, and an embedding application should too.
   */
  static String ompWaitPolicy() {
    String v = System.getenv("OMP_WAIT_POLICY");
    return v == null ? "unset (spinning; set OMP_WAIT_POLICY=PASSIVE)" : v;
  }

  /** oneDNN's version, or why it is not used (the backend then convolves with im2col + OpenBLAS). */
  private static String onednnVersion() {
    try {
      Loader.load(org.bytedeco.dnnl.global.dnnl.class);
      var v = org.bytedeco.dnnl.global.dnnl.dnnl_version();
      return v.major() + "." + v.minor() + "." + v.patch();
    } catch (Throwable t) {
      return "unavailable (" + t + ")";
    }
  }

  @Override
  public Backend open(BackendConfig config) {
    Availability a = probe();
    if (!a.available()) throw new BackendException(ID, "open", a.reason());
    int threads = config.get(ID, "threads").map(Integer::parseInt)
        .orElse(Runtime.getRuntime().availableProcessors());
    if (threads < 1) throw new IllegalArgumentException("cnn4j.cpu.threads must be >= 1, got " + threads);
    boolean onednn = !a.details().getOrDefault("onednn", "unavailable").startsWith("unavailable")
        && config.get(ID, "onednn").map(Boolean::parseBoolean).orElse(true);
    return new CpuBackend(threads, a.details(), onednn);
  }
}
