package org.cnn4j.modulepath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend on the module path, as a user's {@code requires org.cnn4j.backend.cpu} sees it: a
 * child JVM whose module path holds this test's jars and whose only root module is {@code
 * org.cnn4j.backend.cpu} trains one step ({@link ModulePathMain}). A library the backend's code
 * uses that its module descriptor does not require, or natives that do not reach the module graph,
 * fail here. It needs the packaged jars (the descriptors are added when the jars are built), so it
 * runs in {@code mvn verify} and is skipped where the class path holds class folders ({@code mvn
 * test}, an IDE).
 */
class CpuBackendOnTheModulePathTest {
  @Test
  void trainsWithTheCpuBackendAsTheOnlyRootModule() throws Exception {
    List<Path> jars = packagedJars();
    Path classes =
        Path.of(ModulePathMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    var command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--module-path",
            jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
            "--add-modules",
            "org.cnn4j.backend.cpu",
            "-cp",
            classes.toString(),
            ModulePathMain.class.getName());
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    Process child = builder.start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child JVM did not finish: " + out);

    assertEquals(0, child.exitValue(), out);
    assertTrue(out.contains("api module: org.cnn4j.api"), out);
    assertTrue(out.contains("natives module resolved: true"), out);
    assertTrue(out.contains("backend cpu from module org.cnn4j.backend.cpu"), out);
    assertTrue(out.matches("(?s).*loss after one step: \\d+\\.\\d+.*"), out);
  }

  /**
   * The descriptor requires every module the backend's classes use, by jdeps' analysis of all of
   * them (the training above runs only some): jdeps' suggested descriptor may name no module that
   * ours lacks. Ours has one more, the natives module, which no class names.
   */
  @Test
  void descriptorRequiresEveryModuleTheCodeUses() {
    List<Path> jars = packagedJars();
    var jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    var out = new StringWriter();
    int status =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(out),
            "--multi-release",
            String.valueOf(Runtime.version().feature()),
            "--module-path",
            jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
            "--check",
            "org.cnn4j.backend.cpu");
    String report = out.toString();
    assertEquals(0, status, report);
    Set<String> declared = requires(section(report, "[Module descriptor]"));
    Set<String> suggested =
        requires(section(report, "[Suggested module descriptor for org.cnn4j.backend.cpu]"));
    assertTrue(!suggested.isEmpty(), report);
    var missing = new TreeSet<>(suggested);
    missing.removeAll(declared);
    assertEquals(
        Set.of(), missing, "requires missing from cnn-backend-cpu's descriptor:\n" + report);
  }

  /** The lines after {@code header} up to the next bracketed header. */
  private static List<String> section(String report, String header) {
    var lines = report.lines().map(String::strip).collect(Collectors.toList());
    int from = lines.indexOf(header);
    assertTrue(from >= 0, "no '" + header + "' in jdeps' report:\n" + report);
    var out = new ArrayList<String>();
    for (int i = from + 1; i < lines.size() && !lines.get(i).startsWith("["); i++) {
      out.add(lines.get(i));
    }
    return out;
  }

  /** The module names of {@code requires [modifiers] name;} lines. */
  private static Set<String> requires(List<String> lines) {
    return lines.stream()
        .filter(l -> l.startsWith("requires "))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1).replace(";", ""))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The jars on this test's class path, when the CPU backend's is a packaged jar with its module
   * descriptor (else the test is skipped).
   */
  private static List<Path> packagedJars() {
    List<Path> jars =
        classPath().stream()
            .filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
            .collect(Collectors.toList());
    Path cpu =
        jars.stream()
            .filter(p -> p.getFileName().toString().matches("cnn-backend-cpu-\\d.*\\.jar"))
            .findFirst()
            .orElse(null);
    assumeTrue(cpu != null, "the CPU backend is a class folder here, not its jar");
    var descriptor = ModuleFinder.of(cpu).findAll().iterator().next().descriptor();
    assumeTrue(!descriptor.isAutomatic(), cpu + " has no module descriptor");
    return jars;
  }

  /** The test's class path: Surefire's own list, as java.class.path may be a manifest-only jar. */
  private static List<Path> classPath() {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(cp.split(File.pathSeparator))
        .filter(s -> !s.isEmpty())
        .map(Path::of)
        .collect(Collectors.toList());
  }
}
