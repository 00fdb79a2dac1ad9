package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With no OMP_* variable in the environment (the build sets none), the CPU backend still runs each
 * lane's oneDNN call on that lane's thread alone and offers its lanes, and runs its own calls on
 * all its threads: it sets OpenMP's thread count per calling thread through the runtime. Threads
 * are counted in /proc: an OpenMP team's workers are new threads that inherit the name of the
 * thread that started them.
 */
class OpenMpThreadsTest {
  private static final Conv2dSpec LARGE =
      Conv2dSpec.of(32, 28, 28, 16, 3, 3, 32, 1, 1, Padding.SAME, 1, 1, 1);
  private static final AtomicLong NAMES = new AtomicLong();

  @BeforeAll
  static void onLinuxWithoutOmpEnvironment() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "counts threads through /proc");
    assumeTrue(System.getenv("OMP_NUM_THREADS") == null, "OMP_NUM_THREADS is set");
    assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one core: no team to start");
  }

  @Test
  void theBundledOpenMpRuntimeCanBeReached() {
    assertEquals("", OpenMpThreads.unavailableReason().orElse(""));
  }

  @Test
  void lanesEngageWithoutOmpEnvironment() {
    try (Backend backend = new CpuBackendProvider().open(BackendConfig.defaults())) {
      assertEquals(Runtime.getRuntime().availableProcessors(), backend.lanes().size());
      assertTrue(backend.description().contains("lanes"), backend.description());
    }
  }

  @Test
  void aLaneConvolutionStartsNoOpenMpThreads() throws Exception {
    try (Backend backend =
        new CpuBackendProvider().open(new BackendConfig(Map.of("lanes", "true", "threads", "2")))) {
      assertEquals(1, threadsNamedAfterTheCaller(backend.lanes().get(0)));
    }
  }

  /**
   * A batch the model does not split (BatchNormalization's) runs on the backend itself, and its
   * oneDNN calls use the backend's threads: a lane's one thread would leave the other cores idle.
   */
  @Test
  void theBackendsOwnConvolutionRunsOnItsThreads() throws Exception {
    try (Backend backend =
        new CpuBackendProvider().open(new BackendConfig(Map.of("lanes", "true", "threads", "2")))) {
      assertEquals(2, threadsNamedAfterTheCaller(backend));
    }
  }

  @Test
  void withoutLanesOneDnnRunsOnTheBackendsThreads() throws Exception {
    try (Backend backend =
        new CpuBackendProvider()
            .open(new BackendConfig(Map.of("lanes", "false", "threads", "2")))) {
      assertEquals(2, threadsNamedAfterTheCaller(backend));
    }
  }

  /**
   * Runs a convolution large enough for oneDNN to share out on a fresh thread with a name of its
   * own, and counts the process's threads of that name: the caller plus any OpenMP workers.
   */
  private static long threadsNamedAfterTheCaller(Backend backend) throws Exception {
    String name = "omp-" + NAMES.incrementAndGet(); // a thread's name in /proc is 15 bytes at most
    AtomicReference<Long> count = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try (DeviceBuffer x = backend.allocate(LARGE.inputLength());
                  DeviceBuffer k = backend.allocate(LARGE.kernelLength());
                  DeviceBuffer y = backend.allocate(LARGE.outputLength())) {
                backend.fill(x, 0, LARGE.inputLength(), 0.5f);
                backend.fill(k, 0, LARGE.kernelLength(), 0.25f);
                backend.conv2dForward(LARGE, x, k, y);
                count.set(countThreads(name));
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            name);
    caller.start();
    caller.join();
    if (failure.get() != null) throw new AssertionError(failure.get());
    return count.get();
  }

  private static long countThreads(String name) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks
          .filter(
              t -> {
                try {
                  return Files.readString(t.resolve("comm")).trim().equals(name);
                } catch (IOException gone) {
                  return false; // the thread ended while we looked
                }
              })
          .count();
    }
  }
}
