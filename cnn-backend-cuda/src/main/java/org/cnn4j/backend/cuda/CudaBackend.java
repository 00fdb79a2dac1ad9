package org.cnn4j.backend.cuda;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.FamilyBackend;

/**
 * The {@link Backend} on one NVIDIA GPU: every op is a kernel of {@code cnn4j.fatbin} (see {@link
 * CuModule}) or a cuBLAS call, issued on one stream, so ops run in the order called and only {@link
 * #download} and {@link #synchronize()} wait. Uploads go through pinned staging ({@link CuStaging})
 * and do not wait either; device memory comes from a caching allocator, so a training step with
 * fixed shapes allocates nothing from the driver after its first run. This class only wires the op
 * families together, one per kernel file as the CPU backend has one per op family, and {@link
 * FamilyBackend} forwards each op to its family: {@link CuMemory}, {@link CuGemmFamily}, {@link
 * CuConvolution}, {@link CuPooling}, {@link CuElementwise} (also the epilogue and dropout), {@link
 * CuReductions}, {@link CuNormalization} (layer and batch), {@link CuStrided}, {@link CuResize},
 * {@link CuOptimizers}.
 *
 * <p>Offsets are applied on the host (kernels get element addresses). Every range is checked on the
 * host before launch ({@link CuOps#range}): an out-of-bounds write on a GPU poisons the whole
 * context. After {@link #close()} every op throws {@link IllegalStateException}: each family asks
 * the context's guard before it touches the device.
 */
public final class CudaBackend extends FamilyBackend {
  private final CuContext cu;
  private final CuModule module;
  private final CuAllocator allocator;
  private final CuStaging staging;
  private final CuGemm gemm;
  private final KernelImage image;

  CudaBackend(
      CuContext cu, CuModule module, CuGemm gemm, CuAllocator allocator, KernelImage image) {
    this(new CuOps(cu, module, allocator), new CuStaging(cu), gemm, image);
  }

  private CudaBackend(CuOps ops, CuStaging staging, CuGemm gemm, KernelImage image) {
    super(families(ops, staging, new CuGemmFamily(ops, gemm)));
    this.cu = ops.cu;
    this.module = ops.module;
    this.allocator = ops.allocator;
    this.staging = staging;
    this.gemm = gemm;
    this.image = image;
  }

  private static Families families(CuOps ops, CuStaging staging, CuGemmFamily gemm) {
    CuMemory memory = new CuMemory(ops, staging);
    CuReductions reductions = new CuReductions(ops);
    CuElementwise elementwise = new CuElementwise(ops, reductions);
    CuNormalization normalization = new CuNormalization(ops, reductions);
    return new Families(
        memory,
        gemm,
        new CuConvolution(ops, gemm, memory, elementwise, reductions),
        new CuPooling(ops),
        elementwise,
        elementwise,
        new CuStrided(ops, memory),
        new CuResize(ops, memory),
        reductions,
        normalization,
        normalization,
        elementwise,
        new CuOptimizers(ops));
  }

  /** "own" or "cublas": which GEMM this backend runs. */
  public String gemmName() {
    return gemm.name();
  }

  @Override
  public String id() {
    return CudaBackendProvider.ID;
  }

  @Override
  public String description() {
    CuDevice d = cu.device();
    return d.name()
        + " (sm_"
        + d.ccMajor()
        + d.ccMinor()
        + ", "
        + d.multiprocessors()
        + " SMs), CUDA driver "
        + KernelImage.cudaVersion(d.driverVersion())
        + ", GEMM: "
        + gemm.description()
        + ", kernels: "
        + image.summary();
  }

  @Override
  public void synchronize() {
    cu.ensureHealthy("synchronize");
    cu.synchronize("synchronize");
  }

  @Override
  public synchronized void close() {
    if (!cu.markClosed()) return;
    if (!cu.isReleased()) {
      cu.bindForCleanup();
      staging.close();
      gemm.close();
      module.close();
      allocator.close();
    }
    cu.close();
  }
}
