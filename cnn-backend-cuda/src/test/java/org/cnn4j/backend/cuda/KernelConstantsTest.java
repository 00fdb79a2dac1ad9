package org.cnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernels get enum constants as ordinals: each {@code #define PREFIX_NAME n} of a CUDA source
 * must name a constant of the enum with that ordinal, and every constant must have one, so a
 * constant added to the SPI cannot fall into a kernel's default branch unnoticed (no GPU or nvcc
 * needed).
 */
class KernelConstantsTest {
  /**
   * The scalar functions' header that common.cuh includes: one file with the OpenCL backend's
   * kernels, on nvcc's include path (build-kernels.sh).
   */
  private static final String SHARED =
      "../../../../cnn-backend-opencl/src/main/resources/org/cnn4j/backend/opencl/kernels/scalar_ops.h";

  @ParameterizedTest(name = "{1}* in {0}")
  @CsvSource({
    SHARED + ", ACT_, ActivationKind",
    SHARED + ", OP_, BinaryOp",
    SHARED + ", UOP_, UnaryOp",
    "reduce.cu, RED_, ReduceOp"
  })
  void definesMatchTheEnumOrdinals(String file, String prefix, String enumName) throws IOException {
    Map<String, Integer> defines = defines(file, prefix);
    assertFalse(defines.isEmpty(), file + " defines no " + prefix + " constants");
    for (var e : defines.entrySet()) {
      Enum<?> constant =
          switch (enumName) {
            case "ActivationKind" -> ActivationKind.valueOf(e.getKey());
            case "BinaryOp" -> BinaryOp.valueOf(e.getKey());
            case "UnaryOp" -> UnaryOp.valueOf(e.getKey());
            default -> ReduceOp.valueOf(e.getKey());
          };
      assertEquals(constant.ordinal(), e.getValue(), file + ": " + prefix + e.getKey());
    }
    for (Enum<?> constant : constants(enumName)) {
      assertEquals(
          constant.ordinal(),
          defines.get(constant.name()),
          file + " defines no " + prefix + constant.name());
    }
  }

  private static Enum<?>[] constants(String enumName) {
    return switch (enumName) {
      case "ActivationKind" -> ActivationKind.values();
      case "UnaryOp" -> UnaryOp.values();
      case "BinaryOp" -> BinaryOp.values();
      default -> ReduceOp.values();
    };
  }

  /** The module's sources, relative to its directory (Surefire's working directory). */
  private static Map<String, Integer> defines(String file, String prefix) throws IOException {
    String source = Files.readString(Path.of("src/main/cuda", file));
    Matcher m = Pattern.compile("(?m)^#define " + prefix + "([A-Z_0-9]+) (\\d+)$").matcher(source);
    Map<String, Integer> found = new TreeMap<>();
    while (m.find()) found.put(m.group(1), Integer.parseInt(m.group(2)));
    return found;
  }
}
