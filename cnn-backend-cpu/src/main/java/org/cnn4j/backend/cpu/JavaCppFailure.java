package org.cnn4j.backend.cpu;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.bytedeco.javacpp.Loader;

/**
 * Why JavaCPP could not load the backend's native libraries, in words that say what to do. The
 * causes differ in their fix: a missing jar (add it to the class path), or a JavaCPP cache
 * directory it cannot write the extracted libraries to (make it writable, or name another one).
 */
final class JavaCppFailure {
  private JavaCppFailure() {}

  /** The probe's "unavailable" reason for {@code failure}, thrown while loading OpenBLAS. */
  static String reason(Throwable failure) {
    String missing = missingClass(failure);
    if (missing != null && missing.startsWith("org.bytedeco.javacpp.")) {
      return "JavaCPP is not on the class path (class "
          + missing
          + " is missing): the CPU backend needs the jar org.bytedeco:javacpp and its platform jar"
          + " (classifier "
          + platform()
          + ")";
    }
    if (missing != null && missing.startsWith("org.bytedeco.")) {
      return "a JavaCPP preset is not on the class path (class "
          + missing
          + " is missing): the CPU backend needs the jars org.bytedeco:openblas and"
          + " org.bytedeco:dnnl";
    }
    Optional<String> cache = unwritableCache();
    if (cache.isPresent()) {
      return "JavaCPP cannot extract the native libraries: "
          + cache.get()
          + "; make it writable, or point -Dorg.bytedeco.javacpp.cachedir at a writable directory ("
          + failure
          + ")";
    }
    return "OpenBLAS native library could not load through JavaCPP ("
        + failure
        + "); the jar org.bytedeco:openblas with classifier "
        + platform()
        + " must be on the class path";
  }

  /** The class a {@link LinkageError} or {@link ClassNotFoundException} says is missing. */
  private static String missingClass(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if ((t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException)
          && t.getMessage() != null) {
        return t.getMessage().replace('/', '.');
      }
    }
    return null;
  }

  /**
   * What is wrong with JavaCPP's cache directory, if anything: none could be made, or the one in
   * use cannot take a new file (tried, since a root user passes every permission check).
   */
  private static Optional<String> unwritableCache() {
    File dir;
    try {
      dir = Loader.getCacheDir();
    } catch (IOException | RuntimeException | LinkageError e) {
      return Optional.of("it has no cache directory (" + e.getMessage() + ")");
    }
    try {
      Path probe = Files.createTempFile(dir.toPath(), ".cnn4j-write-test", null);
      Files.delete(probe);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("its cache directory " + dir + " is not writable (" + e + ")");
    }
  }

  /** JavaCPP's name for this platform, or a guess from the JVM's when JavaCPP itself is missing. */
  static String platform() {
    try {
      return Loader.getPlatform();
    } catch (LinkageError missing) {
      String os = System.getProperty("os.name", "?").toLowerCase(Locale.ROOT);
      String arch = System.getProperty("os.arch", "?");
      return (os.startsWith("mac") ? "macosx" : os.startsWith("win") ? "windows" : os)
          + "-"
          + (arch.equals("amd64") ? "x86_64" : arch.equals("aarch64") ? "arm64" : arch);
    }
  }
}
