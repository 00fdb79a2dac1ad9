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
import org.cnn4j.spi.ProbeOnce;

/** The CPU backend: OpenBLAS (through JavaCPP) for GEMM, parallel Java for everything else. */
public final class CpuBackendProvider implements BackendProvider {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CpuBackendProvider.class);
  public static final String ID = "cpu";
  private final ProbeOnce probe = new ProbeOnce(CpuBackendProvider::probeOnce);

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
    return probe.get();
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
      details.put(
          "omp.num_threads",
          ompSingleThreaded()
              ? "1 (lets batches split across lanes)"
              : System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")
                  + " (ops split across threads; 1 splits batches)");
      return Availability.available(details);
    } catch (Throwable t) {
      return Availability.unavailable(
          "OpenBLAS native library could not load through JavaCPP ("
              + t
              + "); the jar org.bytedeco:openblas with classifier "
              + Loader.getPlatform()
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

  /**
   * Whether oneDNN's OpenMP runs one thread per call. Then the backend offers lanes and the model
   * splits each batch across them: measured on 2 cores, one thread per lane trains W1 about twice
   * as fast as two threads inside each op, whose hand-offs cost more than the small ops.
   */
  static boolean ompSingleThreaded() {
    return "1".equals(System.getenv("OMP_NUM_THREADS"));
  }

  /**
   * oneDNN's version, or why it is not used (the backend then convolves with im2col + OpenBLAS).
   */
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
    int threads =
        config
            .get(ID, "threads")
            .map(Integer::parseInt)
            .orElse(Runtime.getRuntime().availableProcessors());
    if (threads < 1)
      throw new IllegalArgumentException("cnn4j.cpu.threads must be >= 1, got " + threads);
    boolean onednn =
        !a.details().getOrDefault("onednn", "unavailable").startsWith("unavailable")
            && config.get(ID, "onednn").map(Boolean::parseBoolean).orElse(true);
    boolean ompSingle = ompSingleThreaded();
    boolean lanes = config.get(ID, "lanes").map(Boolean::parseBoolean).orElse(!onednn || ompSingle);
    if (lanes && onednn && !ompSingle) {
      LOG.warn(
          "cnn4j.cpu.lanes=true while OMP_NUM_THREADS is not 1: each lane's oneDNN call starts an OpenMP "
              + "team of its own, more threads than cores; set OMP_NUM_THREADS=1");
    }
    if (!lanes && onednn && !ompSingle && System.getenv("OMP_WAIT_POLICY") == null) {
      LOG.warn(
          "OMP_WAIT_POLICY is unset: oneDNN's OpenMP threads will spin against cnn4j's; set OMP_WAIT_POLICY=PASSIVE"
              + " (or OMP_NUM_THREADS=1, which lets the backend split batches instead)");
    }
    return new CpuBackend(threads, a.details(), onednn, lanes);
  }
}
