package org.cnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.BackendProvider;
import org.junit.jupiter.api.Test;

class CudaProviderTest {
  /** Whether this machine has the NVIDIA driver (the usual places of libcuda.so.1). */
  static boolean driverInstalled() {
    for (String dir :
        new String[] {
          "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib", "/usr/local/nvidia/lib64"
        }) {
      if (Files.exists(Path.of(dir, "libcuda.so.1"))) return true;
    }
    return false;
  }

  @Test
  void theProviderIsFoundByServiceLoaderWithItsIdAndPriority() {
    BackendProvider cuda =
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.id().equals("cuda"))
            .findFirst()
            .orElseThrow();
    assertEquals(100, cuda.priority());
    assertTrue(cuda instanceof CudaBackendProvider);
  }

  @Test
  void withoutTheDriverTheProbeSaysToInstallItAndDoesNotThrow() {
    assumeFalse(driverInstalled(), "this machine has the NVIDIA driver");
    Availability a = new CudaBackendProvider().probe();
    assertFalse(a.available());
    assertTrue(a.reason().contains("libcuda.so.1 was not found"), a.reason());
    assertTrue(a.reason().contains("install the NVIDIA driver"), a.reason());
  }

  @Test
  void theProbeIsCachedAndSurvivesJcudasFailedStaticInitialiser() {
    assumeFalse(driverInstalled(), "this machine has the NVIDIA driver");
    CudaBackendProvider provider = new CudaBackendProvider();
    Availability first = provider.probe();
    assertSame(first, provider.probe(), "cached");
    // A second provider meets NoClassDefFoundError (JCuda's static initialiser failed before): same
    // words.
    Availability again = new CudaBackendProvider().probe();
    assertEquals(first.reason(), again.reason());
  }

  @Test
  void openingAnUnavailableBackendThrowsTheProbesReason() {
    assumeFalse(driverInstalled(), "this machine has the NVIDIA driver");
    CudaBackendProvider provider = new CudaBackendProvider();
    BackendException e =
        assertThrows(BackendException.class, () -> provider.open(BackendConfig.defaults()));
    assertTrue(e.getMessage().contains(provider.probe().reason()), e.getMessage());
  }

  @Test
  void cublasReportsWhyItCannotLoadWithoutThrowing() {
    assumeFalse(driverInstalled(), "this machine has the NVIDIA driver");
    assertTrue(
        CublasSupport.probe().orElseThrow().contains("libcublas.so.12"),
        CublasSupport.probe().toString());
  }
}
