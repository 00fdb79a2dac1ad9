package org.cnn4j.backend.cpu;

import java.util.Optional;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencl.User_func_Pointer;

/**
 * How many threads oneDNN's OpenMP runtime starts for the calls of the current thread, set through
 * the runtime itself, so the backend reaches its speed in any JVM with no {@code OMP_NUM_THREADS}
 * in the environment.
 *
 * <p>Why this way. oneDNN's JavaCPP build runs on the GNU OpenMP its jar bundles, which reads
 * {@code OMP_NUM_THREADS} only when it loads, and no JavaCPP preset maps {@code
 * omp_set_num_threads}. OpenMP keeps the thread count per calling thread (nthreads-var is an ICV of
 * the thread's implicit task), so setting it on each thread that calls oneDNN governs exactly those
 * calls and no other thread of the application. A count of 1 also means OpenMP never starts a team,
 * so no idle OpenMP thread spins against the application's (what {@code OMP_WAIT_POLICY=PASSIVE}
 * was for).
 *
 * <p>The call goes to the runtime's Fortran entry point {@code omp_set_num_threads_(const int *)}
 * (GNU and LLVM OpenMP export it), found with {@link Loader#addressof}: its one pointer argument
 * matches the {@code void (*)(void *)} function type of the OpenCL preset's {@link
 * User_func_Pointer}, which is on the class path wherever oneDNN is (oneDNN's preset depends on
 * it). A JavaCPP function pointer's address is the address of a cell holding the C function's
 * address, hence the one-element {@link PointerPointer}. Where the symbol is missing (another
 * OpenMP, another platform), {@link #unavailableReason()} says so and nothing is called.
 */
final class OpenMpThreads {
  private OpenMpThreads() {}

  /** The runtime's setter, or why there is none; resolved once, after oneDNN has loaded. */
  private static final class Setter {
    static final User_func_Pointer FUNCTION;
    static final String UNAVAILABLE;

    static {
      User_func_Pointer function = null;
      String reason = null;
      try {
        Loader.load(org.bytedeco.dnnl.global.dnnl.class);
        Pointer address = Loader.addressof("omp_set_num_threads_");
        if (address == null || address.isNull()) {
          reason = "the OpenMP runtime loaded with oneDNN exports no omp_set_num_threads_";
        } else {
          // Kept for the life of the process: the function pointer reads the cell at each call.
          PointerPointer<Pointer> cell = new PointerPointer<>(1);
          cell.put(0, address);
          function = new User_func_Pointer(cell);
        }
      } catch (Throwable t) {
        reason = "calling OpenMP through JavaCPP failed: " + t;
      }
      FUNCTION = function;
      UNAVAILABLE = reason;
    }
  }

  /** What was last set on each thread (0: nothing yet), to call the runtime only on a change. */
  private static final ThreadLocal<int[]> CURRENT = ThreadLocal.withInitial(() -> new int[1]);

  /** Why the thread count cannot be set here, or empty when it can. */
  static Optional<String> unavailableReason() {
    return Optional.ofNullable(Setter.UNAVAILABLE);
  }

  /**
   * Makes oneDNN calls from the current thread use {@code threads} OpenMP threads; does nothing
   * when {@code threads} is 0 (leave OpenMP as the environment set it) or the runtime cannot be
   * reached.
   */
  static void useOnThisThread(int threads) {
    if (threads <= 0) return;
    int[] current = CURRENT.get();
    if (current[0] == threads || Setter.FUNCTION == null) return;
    try (IntPointer count = new IntPointer(1)) {
      count.put(0, threads);
      Setter.FUNCTION.call(count);
    }
    current[0] = threads;
  }
}
