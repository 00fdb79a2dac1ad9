package org.cnn4j.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendProvider;
import org.junit.jupiter.api.Test;

/**
 * Choosing a backend (DESIGN.md, "Choosing a backend") with fake providers, which show cases no
 * machine has at once: auto mode takes the available provider of highest priority as ranked after
 * probing, WARNs once per present provider that cannot run, fails instead with strict; a named
 * backend never falls back; models share one instance per provider, closed with the last user.
 */
class BackendChoiceTest {
  /** A provider whose priority may depend on what its probe found, counting opens and closes. */
  static final class Fake implements BackendProvider {
    final String id;
    final Supplier<Integer> priority;
    final Availability availability;
    final List<Backend> opened = new ArrayList<>();
    int closed;

    Fake(String id, int priority, String unavailableReason) {
      this(id, () -> priority, unavailableReason);
    }

    Fake(String id, Supplier<Integer> priority, String unavailableReason) {
      this.id = id;
      this.priority = priority;
      this.availability =
          unavailableReason == null
              ? Availability.available(Map.of())
              : Availability.unavailable(unavailableReason);
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public int priority() {
      return priority.get();
    }

    @Override
    public Availability probe() {
      return availability;
    }

    @Override
    public Backend open(BackendConfig config) {
      Backend b =
          (Backend)
              Proxy.newProxyInstance(
                  Backend.class.getClassLoader(),
                  new Class<?>[] {Backend.class},
                  (proxy, method, args) ->
                      switch (method.getName()) {
                        case "id" -> id;
                        case "description" -> "fake " + id;
                        case "close" -> {
                          closed++;
                          yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "fake " + id;
                        default -> throw new UnsupportedOperationException(method.getName());
                      });
      opened.add(b);
      return b;
    }
  }

  private static Backends.Choice choice(List<String> warnings, boolean strict) {
    return new Backends.Choice(strict, warnings::add);
  }

  @Test
  void autoTakesTheBestBackendThatCanRunAndWarnsOncePerOneThatCannot() {
    var cuda = new Fake("cuda", 100, "no NVIDIA driver (libcuda.so.1 not found)");
    var opencl = new Fake("opencl", 50, null);
    var cpu = new Fake("cpu", 10, null);
    List<String> warnings = new ArrayList<>();
    var choice = choice(warnings, false);
    assertSame(opencl, choice.automatic(List.of(cpu, cuda, opencl)));
    assertSame(opencl, choice.automatic(List.of(cpu, cuda, opencl)));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("cuda"), warnings.get(0));
    assertTrue(
        warnings.get(0).contains("no NVIDIA driver (libcuda.so.1 not found)"), warnings.get(0));
  }

  @Test
  void strictModeMakesAPresentBackendThatCannotRunAnError() {
    var cuda = new Fake("cuda", 100, "no NVIDIA driver");
    var cpu = new Fake("cpu", 10, null);
    var e =
        assertThrows(
            BackendException.class,
            () -> choice(new ArrayList<>(), true).automatic(List.of(cpu, cuda)));
    assertTrue(
        e.getMessage().contains("cuda") && e.getMessage().contains("no NVIDIA driver"),
        e.getMessage());
    assertTrue(e.getMessage().contains(Backends.STRICT_PROPERTY), e.getMessage());
  }

  @Test
  void priorityIsReadAfterProbingSoAnOpenClCpuDeviceRanksBelowTheCpuBackend() {
    // As OpenCL's provider does: 50 on a GPU, 5 when its probe found only a CPU device (PoCL).
    var pocl = new Fake("opencl", () -> 5, null);
    var cpu = new Fake("cpu", 10, null);
    assertSame(cpu, choice(new ArrayList<>(), false).automatic(List.of(pocl, cpu)));
  }

  @Test
  void noBackendThatCanRunListsEveryReason() {
    var cuda = new Fake("cuda", 100, "no driver");
    var cpu = new Fake("cpu", 10, "no OpenBLAS");
    var e =
        assertThrows(
            BackendException.class,
            () -> choice(new ArrayList<>(), false).automatic(List.of(cpu, cuda)));
    assertTrue(
        e.getMessage().contains("no driver") && e.getMessage().contains("no OpenBLAS"),
        e.getMessage());
  }

  @Test
  void aBackendAskedForByNameNeverFallsBack() {
    var cuda = new Fake("cuda", 100, "no driver");
    var cpu = new Fake("cpu", 10, null);
    var e =
        assertThrows(
            BackendException.class,
            () -> choice(new ArrayList<>(), false).named("cuda", List.of(cpu, cuda)));
    assertTrue(e.getMessage().contains("cuda is unavailable: no driver"), e.getMessage());
    assertSame(cpu, choice(new ArrayList<>(), false).named("cuda,cpu", List.of(cpu, cuda)));
  }

  @Test
  void modelsShareOneInstancePerProviderClosedWithTheLastUser() {
    var cpu = new Fake("cpu", 10, null);
    var shared = new SharedBackends();
    SharedBackend a = shared.acquire(cpu);
    SharedBackend b = shared.acquire(cpu);
    assertSame(a.backend(), b.backend());
    assertEquals(1, cpu.opened.size());
    a.close();
    a.close();
    assertEquals(0, cpu.closed, "closed while b still uses it");
    b.close();
    assertEquals(1, cpu.closed);
    SharedBackend c = shared.acquire(cpu);
    assertNotSame(a.backend(), c.backend());
    assertEquals(2, cpu.opened.size());
    c.close();
  }
}
