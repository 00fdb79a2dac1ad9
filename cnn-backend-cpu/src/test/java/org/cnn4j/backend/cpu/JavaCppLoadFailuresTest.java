package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * When JavaCPP cannot load the backend's libraries, the probe says which of the causes it is, in
 * words that say what to do, and never throws.
 */
class JavaCppLoadFailuresTest {

  @Test
  void aCacheDirectoryThatCannotBeWrittenIsReportedAsSuch() throws Exception {
    // A directory no one can create files in, root included (chmod does not stop root).
    Path unwritable = Path.of("/proc/self/fdinfo");
    assumeTrue(Files.isDirectory(unwritable), "needs Linux's /proc");
    var probe =
        ProbeInFreshJvm.run(
            entry -> false, "-Dorg.bytedeco.javacpp.cachedir=" + unwritable.toString());
    assertEquals(0, probe.exitStatus(), probe.output());
    assertTrue(probe.output().contains("available=false"), probe.output());
    assertTrue(probe.output().contains("cache directory"), probe.output());
    assertTrue(probe.output().contains("is not writable"), probe.output());
    assertTrue(probe.output().contains("-Dorg.bytedeco.javacpp.cachedir"), probe.output());
    assertFalse(probe.output().contains("must be on the class path"), probe.output());
  }

  @Test
  void aMissingJavacppJarIsTheProbesReasonNotANoClassDefFoundError() throws Exception {
    var probe =
        ProbeInFreshJvm.run(
            entry -> Path.of(entry).getFileName().toString().matches("javacpp-[0-9.]+\\.jar"));
    assertEquals(0, probe.exitStatus(), probe.output());
    assertTrue(probe.output().contains("available=false"), probe.output());
    assertTrue(probe.output().contains("JavaCPP is not on the class path"), probe.output());
    assertTrue(probe.output().contains("org.bytedeco:javacpp"), probe.output());
    assertFalse(probe.output().contains("Exception in thread"), probe.output());
  }
}
