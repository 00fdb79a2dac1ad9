package org.cnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.util.HashMap;
import java.util.Map;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * The kernels of {@code cnn4j.fatbin}, loaded once per context (the driver picks the SASS for the
 * GPU, or JIT-compiles the PTX on a newer one), and their launches.
 *
 * <p>Arguments map by Java type: {@link Arg.Ptr} to a device pointer, {@link Integer} to int,
 * {@link Long} to long long, {@link Float} to float, {@link Boolean} to int, {@code int[]} to a
 * struct of ints and {@code long[]} to a struct of long longs, passed by value (the convolution,
 * pooling and strided-view geometry).
 */
final class CuModule implements AutoCloseable {
  /** A device address argument: a buffer's base plus a byte offset. */
  sealed interface Arg permits Arg.Ptr {
    record Ptr(long address) implements Arg {}
  }

  private final CuContext cu;
  private final CUmodule module = new CUmodule();
  private final Map<String, CUfunction> functions = new HashMap<>();

  CuModule(CuContext cu, byte[] image) {
    this.cu = cu;
    cu.check(
        cuModuleLoadData(module, image),
        "cuModuleLoadData",
        "loading cnn4j.fatbin on "
            + cu.device().name()
            + " (sm_"
            + cu.device().ccMajor()
            + cu.device().ccMinor()
            + ")");
  }

  synchronized CUfunction function(String name) {
    CUfunction f = functions.get(name);
    if (f == null) {
      f = new CUfunction();
      cu.check(cuModuleGetFunction(f, module, name), "cuModuleGetFunction", name);
      functions.put(name, f);
    }
    return f;
  }

  /** Launches {@code name} on the backend's stream over a grid of blocks. */
  void launch(
      String name, long gx, int gy, int gz, int bx, int by, int sharedBytes, Object... args) {
    if (gx <= 0 || gy <= 0 || gz <= 0) return;
    if (gx > Integer.MAX_VALUE || gy > 65535 || gz > 65535) {
      throw new IllegalArgumentException(
          name + ": grid " + gx + "x" + gy + "x" + gz + " exceeds CUDA's limits");
    }
    cu.ensureHealthy(name);
    NativePointerObject[] params = new NativePointerObject[args.length];
    for (int i = 0; i < args.length; i++) params[i] = param(name, i, args[i]);
    cu.check(
        cuLaunchKernel(
            function(name),
            (int) gx,
            gy,
            gz,
            bx,
            by,
            1,
            sharedBytes,
            cu.stream(),
            Pointer.to(params),
            null),
        "cuLaunchKernel " + name,
        "grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by);
  }

  private static Pointer param(String name, int index, Object arg) {
    if (arg instanceof Arg.Ptr p) return Pointer.to(new long[] {p.address()});
    if (arg instanceof Integer v) return Pointer.to(new int[] {v});
    if (arg instanceof Long v) return Pointer.to(new long[] {v});
    if (arg instanceof Float v) return Pointer.to(new float[] {v});
    if (arg instanceof Boolean v) return Pointer.to(new int[] {v ? 1 : 0});
    if (arg instanceof int[] v) return Pointer.to(v);
    if (arg instanceof long[] v) return Pointer.to(v);
    throw new IllegalArgumentException(
        "kernel " + name + " argument " + index + ": unsupported " + arg);
  }

  @Override
  public synchronized void close() {
    functions.clear();
    cuModuleUnload(module);
  }
}
