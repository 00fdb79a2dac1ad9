package org.cnn4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine without any OpenCL platform, simulated in a child JVM whose ICD loader (ocl-icd) looks
 * in an empty vendors directory: probing must give the reason with what to install, and opening
 * must fail with that reason, not a stack trace from a static initialiser.
 */
class NoPlatformTest {
  /** Run in the child JVM: prints the probe's reason, then the message opening fails with. */
  public static void main(String[] args) {
    var provider = new OpenClBackendProvider();
    System.out.println("available=" + provider.probe().available());
    System.out.println("reason=" + provider.probe().reason());
    try {
      provider.open(BackendConfig.defaults()).close();
      System.out.println("opened");
    } catch (BackendException e) {
      System.out.println("open failed=" + e.getMessage());
    }
  }

  @Test
  void withoutAPlatformProbeAndOpenSayWhatToInstall(@TempDir Path emptyVendors)
      throws IOException, InterruptedException {
    // OCL_ICD_VENDORS is ocl-icd's (Linux); other loaders ignore it and would find their platforms.
    assumeTrue(
        System.getProperty("os.name").toLowerCase().contains("linux"), "ocl-icd is Linux's loader");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    var builder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                NoPlatformTest.class.getName())
            .redirectErrorStream(true);
    builder.environment().put("OCL_ICD_VENDORS", emptyVendors.toString());
    Process child = builder.start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, child.exitValue(), out);
    assertTrue(out.contains("available=false"), out);
    assumeTrue(!out.contains("no OpenCL loader"), "no OpenCL loader on this machine: " + out);
    assertTrue(out.contains("reason=") && out.contains("the OpenCL loader found no platform"), out);
    assertTrue(out.contains("pocl-opencl-icd"), out);
    assertTrue(out.contains("open failed=") && out.contains("found no platform"), out);
    assertTrue(!out.contains("Exception in") && !out.contains("\tat "), "no stack trace: " + out);
    assertTrue(Files.list(emptyVendors).findAny().isEmpty());
  }
}
