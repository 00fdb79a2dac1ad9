package org.cnn4j.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The kernels this jar carries: {@code kernels/cnn4j.fatbin} (SASS for several GPU generations plus
 * PTX, built by nvcc during the module's build) and {@code kernels/kernels.properties}, which says
 * what was built. Reading it touches nothing native.
 *
 * @param built whether nvcc was present when the jar was built
 * @param reason why not, when not built
 * @param nvcc the nvcc release that built it, e.g. "13.0"
 * @param ptxIsa the PTX ISA version of the embedded PTX, e.g. "9.0"
 * @param sass the GPU architectures with SASS, e.g. [sm_75, sm_90]
 * @param ptx the virtual architecture of the embedded PTX, e.g. "compute_90"
 * @param minDriver the smallest {@code cuDriverGetVersion()} that loads it (13000 for CUDA 13.0)
 * @param kernels the kernel entry names
 */
record KernelImage(
    boolean built,
    String reason,
    String nvcc,
    String ptxIsa,
    List<String> sass,
    String ptx,
    int minDriver,
    List<String> kernels) {
  static final String FATBIN = "kernels/cnn4j.fatbin";
  static final String PROPERTIES = "kernels/kernels.properties";

  /** What the jar's {@code kernels.properties} says; "not built" when it is missing. */
  static KernelImage describe() {
    try (InputStream in = KernelImage.class.getResourceAsStream(PROPERTIES)) {
      if (in == null) {
        return notBuilt(
            "the jar holds no " + PROPERTIES + " (it was not built by this module's pom)");
      }
      Properties p = new Properties();
      p.load(in);
      return parse(p);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + PROPERTIES, e);
    }
  }

  static KernelImage parse(Properties p) {
    if (!Boolean.parseBoolean(p.getProperty("built", "false"))) {
      return notBuilt(p.getProperty("reason", "the build did not compile the kernels"));
    }
    return new KernelImage(
        true,
        "",
        p.getProperty("nvcc", "?"),
        p.getProperty("ptxIsa", "?"),
        list(p.getProperty("sass", "")),
        p.getProperty("ptx", ""),
        Integer.parseInt(p.getProperty("minDriver", "0")),
        list(p.getProperty("kernels", "")));
  }

  private static KernelImage notBuilt(String reason) {
    return new KernelImage(false, reason, "", "", List.of(), "", 0, List.of());
  }

  private static List<String> list(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The fatbin's bytes, if the jar carries it. */
  static Optional<byte[]> fatbin() {
    try (InputStream in = KernelImage.class.getResourceAsStream(FATBIN)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + FATBIN, e);
    }
  }

  /** "CUDA 13.0" for a cuDriverGetVersion() value such as 13000. */
  static String cudaVersion(int driverVersion) {
    return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
  }

  /** One line for logs and {@code cnn4j backends}. */
  String summary() {
    return built
        ? "nvcc "
            + nvcc
            + ", SASS "
            + String.join("/", sass)
            + " + PTX "
            + ptx
            + " (ISA "
            + ptxIsa
            + ")"
        : "none (" + reason + ")";
  }
}
