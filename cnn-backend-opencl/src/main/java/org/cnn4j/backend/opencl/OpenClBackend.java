package org.cnn4j.backend.opencl;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.FamilyBackend;

/**
 * The {@link Backend} on one OpenCL device: every op is a kernel from the {@code .cl} resources
 * (see {@link ClPrograms}), issued on one in-order queue, so ops run in the order called and only
 * {@link #download} and {@link #synchronize()} wait. This class only wires the op families
 * together, one per kernel file as the CPU backend has one per op family, and {@link FamilyBackend}
 * forwards each op to its family: {@link ClMemory}, {@link ClGemm}, {@link ClConvolution}, {@link
 * ClPooling}, {@link ClElementwise} (also the epilogue and dropout), {@link ClReductions}, {@link
 * ClNormalization} (layer and batch), {@link ClStrided}, {@link ClResize}, {@link ClOptimizers}.
 *
 * <p>Offsets travel as kernel arguments, never as sub-buffers, so no alignment rule applies. Every
 * range is checked on the host before launch ({@link ClOps#range}): a CPU device such as PoCL runs
 * kernels inside this process, where an out-of-bounds write would corrupt the JVM instead of
 * failing. After {@link #close()} every op throws {@link IllegalStateException}: each family asks
 * the context's guard before it touches the device.
 */
public final class OpenClBackend extends FamilyBackend {
  private final ClContext cl;
  private final ClPrograms programs;
  private final ClScratch scratch;

  OpenClBackend(ClDevice device, int gemmRows) {
    this(ClOps.open(device), gemmRows);
  }

  private OpenClBackend(ClOps ops, int gemmRows) {
    super(families(ops, new ClGemm(ops, gemmRows)));
    this.cl = ops.cl;
    this.programs = ops.programs;
    this.scratch = ops.scratch;
  }

  private static Families families(ClOps ops, ClGemm gemm) {
    ClMemory memory = new ClMemory(ops);
    ClReductions reductions = new ClReductions(ops);
    ClElementwise elementwise = new ClElementwise(ops, reductions);
    ClNormalization normalization = new ClNormalization(ops, reductions);
    return new Families(
        memory,
        gemm,
        new ClConvolution(ops, gemm, memory, elementwise, reductions),
        new ClPooling(ops, memory),
        elementwise,
        elementwise,
        new ClStrided(ops, memory),
        new ClResize(ops, memory),
        reductions,
        normalization,
        normalization,
        elementwise,
        new ClOptimizers(ops));
  }

  @Override
  public String id() {
    return OpenClBackendProvider.ID;
  }

  @Override
  public String description() {
    ClDevice d = cl.device();
    return d.name()
        + ", "
        + d.platformName()
        + ", "
        + d.openclVersion()
        + ", driver "
        + d.driverVersion()
        + ", "
        + d.computeUnits()
        + " compute units";
  }

  @Override
  public void synchronize() {
    cl.ensureHealthy("synchronize");
    cl.finish("synchronize");
  }

  @Override
  public synchronized void close() {
    if (!cl.markClosed()) return;
    scratch.close();
    programs.close();
    cl.close();
    if (ClKernelProfile.ENABLED) System.err.print(ClKernelProfile.drain());
  }
}
