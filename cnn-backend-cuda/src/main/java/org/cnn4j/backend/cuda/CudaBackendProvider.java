package org.cnn4j.backend.cuda;

import java.util.Locale;
import java.util.Optional;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendProvider;
import org.cnn4j.spi.ProbeOnce;

/**
 * The CUDA backend's {@link java.util.ServiceLoader} entry. Nothing native happens until {@link
 * #probe()} or {@link #open}: JCuda's classes load their native libraries in static initialisers,
 * so they are touched only through {@link CudaProbe} and the classes it opens.
 *
 * <p>Options ({@code -Dcnn4j.cuda.KEY} or {@link BackendConfig}): {@code device} (GPU number,
 * default 0); {@code gemm} = {@code auto} (cuBLAS when {@code libcublas.so.12} loads, else the own
 * kernel), {@code own} or {@code cublas}; {@code tf32} = {@code true} lets cuBLAS use TF32 tensor
 * cores (off by default: results then differ from FP32 in the 4th digit).
 */
public final class CudaBackendProvider implements BackendProvider {
  /** The id users name this backend by. */
  public static final String ID = "cuda";

  private final ProbeOnce probe = new ProbeOnce(CudaBackendProvider::probeNow);

  @Override
  public String id() {
    return ID;
  }

  /** Above OpenCL (50) and the CPU (10): a working NVIDIA GPU wins in auto mode. */
  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Availability probe() {
    return probe.get();
  }

  private static Availability probeNow() {
    try {
      return Availability.available(CudaProbe.run(BackendConfig.defaults().get(ID, "device")));
    } catch (BackendException e) {
      return Availability.unavailable(e.getMessage());
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return Availability.unavailable(CudaProbe.noDriver(e));
    } catch (Throwable e) {
      return Availability.unavailable(
          "CUDA probing failed with " + e + "; " + CudaProbe.INSTALL_DRIVER);
    }
  }

  @Override
  public Backend open(BackendConfig config) {
    Availability availability = probe();
    if (!availability.available()) throw new BackendException(ID, "open", availability.reason());
    CuDevice device = CudaProbe.choose(CudaProbe.discover(), config.get(ID, "device"));
    String gemmChoice = config.get(ID, "gemm").orElse("auto").trim().toLowerCase(Locale.ROOT);
    boolean tf32 = config.get(ID, "tf32").map(Boolean::parseBoolean).orElse(false);
    byte[] fatbin =
        KernelImage.fatbin()
            .orElseThrow(
                () ->
                    new BackendException(ID, "open", CudaProbe.noKernels(KernelImage.describe())));
    CuContext cu = new CuContext(device);
    try {
      CuModule module = new CuModule(cu, fatbin);
      CuAllocator allocator = new CuAllocator(cu);
      CuGemm gemm =
          switch (gemmChoice) {
            case "own" -> new OwnGemm(module, allocator, device.multiprocessors());
            case "cublas" -> {
              requireCublas();
              yield new CublasGemm(cu, tf32);
            }
            case "auto", "" ->
                CublasSupport.probe().isEmpty()
                    ? new CublasGemm(cu, tf32)
                    : new OwnGemm(module, allocator, device.multiprocessors());
            default ->
                throw new BackendException(
                    ID,
                    "open",
                    "cnn4j.cuda.gemm must be auto, own or cublas, got '" + gemmChoice + "'");
          };
      return new CudaBackend(cu, module, gemm, allocator, KernelImage.describe());
    } catch (RuntimeException | Error e) {
      cu.close();
      throw e;
    }
  }

  private static void requireCublas() {
    Optional<String> why = CublasSupport.probe();
    if (why.isPresent())
      throw new BackendException(ID, "open", "cnn4j.cuda.gemm=cublas, but " + why.get());
  }
}
