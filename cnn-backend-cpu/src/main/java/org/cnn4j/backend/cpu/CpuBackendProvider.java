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
      return Availability.available(details);
    } catch (Throwable t) {
      return Availability.unavailable("OpenBLAS native library could not load through JavaCPP ("
          + t + "); the jar org.bytedeco:openblas with classifier " + Loader.getPlatform()
          + " must be on the class path");
    }
  }

  @Override
  public Backend open(BackendConfig config) {
    Availability a = probe();
    if (!a.available()) throw new BackendException(ID, "open", a.reason());
    int threads = config.get(ID, "threads").map(Integer::parseInt)
        .orElse(Runtime.getRuntime().availableProcessors());
    if (threads < 1) throw new IllegalArgumentException("cnn4j.cpu.threads must be >= 1, got " + threads);
    return new CpuBackend(threads, a.details());
  }
}
