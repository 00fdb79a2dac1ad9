package org.cnn4j.backend.cpu;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
      details.put("omp.num_threads", ompNumThreads());
      details.put("omp.wait_policy", ompWaitPolicy());
      return Availability.available(details);
    } catch (Throwable t) {
      return Availability.unavailable(JavaCppFailure.reason(t));
    }
  }

  /** {@code OMP_NUM_THREADS} as the environment sets it, or null. */
  private static String ompNumThreadsInEnvironment() {
    return System.getenv("OMP_NUM_THREADS");
  }

  /**
   * Whether the backend sets OpenMP's thread count itself, on each thread that calls oneDNN ({@link
   * OpenMpThreads}): 1 for a lane's calls, as {@code OMP_NUM_THREADS=1} would, and the backend's
   * thread count for the batches a model does not split. When the environment leaves it unset (an
   * application that sets it has chosen) and the OpenMP runtime can be reached.
   */
  static boolean setsOmpThreads() {
    return ompNumThreadsInEnvironment() == null && OpenMpThreads.unavailableReason().isEmpty();
  }

  /**
   * Whether oneDNN's calls run on one OpenMP thread each, set by the environment or by the backend.
   * Then the backend offers lanes and the model splits each batch across them: measured on 2 cores,
   * one thread per lane trains W1 about twice as fast as two threads inside each op, whose
   * hand-offs cost more than the small ops.
   */
  static boolean ompSingleThreaded() {
    return "1".equals(ompNumThreadsInEnvironment()) || setsOmpThreads();
  }

  /** How oneDNN's OpenMP threads are chosen, for {@code cnn4j backends}. */
  private static String ompNumThreads() {
    String env = ompNumThreadsInEnvironment();
    if (env != null) {
      return env
          + " (from the environment"
          + ("1".equals(env) ? ": batches split across lanes)" : ": ops split across threads)");
    }
    return OpenMpThreads.unavailableReason()
        .map(why -> "unset and not settable here (" + why + "): ops split across threads")
        .orElse(
            "unset; the backend sets 1 per lane (batches split across lanes) and all its threads"
                + " for whole batches");
  }

  /**
   * OpenMP's wait policy as the environment sets it. oneDNN runs on GNU OpenMP, whose idle threads
   * spin by default; that matters only when a call starts an OpenMP team, which one thread per call
   * never does.
   */
  static String ompWaitPolicy() {
    String v = System.getenv("OMP_WAIT_POLICY");
    if (v != null) return v;
    return ompSingleThreaded()
        ? "unset (no OpenMP team starts: one thread per call)"
        : "unset (GNU OpenMP's default: a team's idle threads spin briefly, then sleep)";
  }

  /** Whether the warning that lanes are off for want of OpenMP control was printed. */
  private static final AtomicBoolean WARNED_NO_LANES = new AtomicBoolean();

  /**
   * The warning for a backend that cannot set OpenMP's thread count and so runs without lanes. It
   * goes to stderr, once per process: an embedding application may bind no SLF4J logger, and a 2-4x
   * slower epoch with no word why is worse than one line.
   */
  static String noLanesWarning(String reason) {
    return "cnn4j: the CPU backend cannot set OpenMP's thread count here ("
        + reason
        + "), so oneDNN splits each op across threads instead of the backend splitting batches"
        + " across lanes: slower on few cores, and idle OpenMP threads spin against the"
        + " application's. Start the JVM with OMP_NUM_THREADS=1 and OMP_WAIT_POLICY=PASSIVE in its"
        + " environment to get the lanes back.";
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
    int threads = threads(config);
    boolean onednn =
        !a.details().getOrDefault("onednn", "unavailable").startsWith("unavailable")
            && flag(config, "onednn").orElse(true);
    boolean ompSingle = ompSingleThreaded();
    if (onednn && ompNumThreadsInEnvironment() == null && !ompSingle) {
      String why = OpenMpThreads.unavailableReason().orElse("?");
      if (WARNED_NO_LANES.compareAndSet(false, true)) System.err.println(noLanesWarning(why));
    }
    boolean lanes = flag(config, "lanes").orElse(!onednn || ompSingle);
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
    return new CpuBackend(threads, a.details(), onednn, lanes, onednn && setsOmpThreads());
  }

  /** The {@code threads} option: a whole number >= 1, by default the number of cores. */
  private static int threads(BackendConfig config) {
    Optional<String> value = config.get(ID, "threads");
    if (value.isEmpty()) return Runtime.getRuntime().availableProcessors();
    try {
      int threads = Integer.parseInt(value.get().trim());
      if (threads >= 1) return threads;
    } catch (NumberFormatException notANumber) {
      // reported below, with the value
    }
    throw new IllegalArgumentException(
        "cnn4j.cpu.threads must be a whole number >= 1, got '" + value.get() + "'");
  }

  /** A true/false option; anything else is an error naming the option and the value. */
  private static Optional<Boolean> flag(BackendConfig config, String key) {
    return config
        .get(ID, key)
        .map(
            v -> {
              String s = v.trim().toLowerCase(Locale.ROOT);
              if (s.equals("true") || s.equals("false")) return Boolean.valueOf(s);
              throw new IllegalArgumentException(
                  "cnn4j.cpu." + key + " must be true or false, got '" + v + "'");
            });
  }
}
