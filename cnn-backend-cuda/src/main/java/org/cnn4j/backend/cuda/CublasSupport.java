package org.cnn4j.backend.cuda;

import java.util.Optional;

/**
 * Whether JCublas2 can load here, asked once. JCuda 12.6's cuBLAS binding links {@code
 * libcublas.so.12}, so it loads where CUDA 12's cuBLAS is installed (a CUDA 12 toolkit, or the
 * nvidia-cublas-cu12 wheel PyTorch brings) and not where only CUDA 13's {@code libcublas.so.13} is;
 * the backend then runs its own GEMM kernel.
 */
final class CublasSupport {
  private static volatile Optional<String> unavailable;

  private CublasSupport() {}

  /** Empty when cuBLAS loads, else why not. Never throws. */
  static Optional<String> probe() {
    Optional<String> result = unavailable;
    if (result == null) {
      synchronized (CublasSupport.class) {
        result = unavailable;
        if (result == null) unavailable = result = load();
      }
    }
    return result;
  }

  private static Optional<String> load() {
    try {
      jcuda.jcublas.JCublas2.setExceptionsEnabled(false);
      jcuda.jcublas.JCublas2.initialize();
      return Optional.empty();
    } catch (Throwable e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("libcublas") || e instanceof NoClassDefFoundError) {
        return Optional.of(
            "libcublas.so.12 was not found; JCublas 12.6 needs CUDA 12's cuBLAS on"
                + " LD_LIBRARY_PATH (CUDA 13's libcublas.so.13 does not fit)");
      }
      return Optional.of("JCublas2 could not be loaded: " + CudaProbe.firstLine(message));
    }
  }
}
