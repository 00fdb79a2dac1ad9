package org.cnn4j.backend.cpu;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.cnn4j.spi.Availability;

/**
 * The CPU provider's probe in a JVM of its own, as a user's application would run it first: JavaCPP
 * loads native libraries once per process, so a failure to load them can only be shown in a new
 * one. {@link #main} prints the probe's answer; {@link #run} starts it and returns what it printed.
 */
final class ProbeInFreshJvm {
  private ProbeInFreshJvm() {}

  /** Prints "available=..." and "reason=..." on two lines; any exception escapes (and fails). */
  public static void main(String[] args) {
    Availability a = new CpuBackendProvider().probe();
    System.out.println("available=" + a.available());
    System.out.println("reason=" + a.reason());
  }

  /**
   * Runs {@link #main} on this JVM's class path less the entries {@code drop} matches, with the
   * given {@code -D} options; returns its output (stdout and stderr) and exit status.
   */
  static Result run(Predicate<String> drop, String... systemProperties) throws Exception {
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!drop.test(entry)) classPath.add(entry);
    }
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.addAll(List.of(systemProperties));
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add(ProbeInFreshJvm.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the probe's JVM did not finish in 60 s");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  record Result(int exitStatus, String output) {}
}
