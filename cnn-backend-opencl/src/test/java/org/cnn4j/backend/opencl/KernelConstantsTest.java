package org.cnn4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernels get enum constants as ordinals: each {@code #define PREFIX_NAME n} of a kernel file
 * must name a constant of the enum with that ordinal, and every constant must have one, so a
 * constant added to the SPI cannot fall into a kernel's default branch unnoticed (no device
 * needed).
 */
class KernelConstantsTest {
  @ParameterizedTest(name = "{1}* in {0}")
  @CsvSource({
    "scalar_ops.h, ACT_, ActivationKind",
    "scalar_ops.h, UOP_, UnaryOp",
    "scalar_ops.h, OP_, BinaryOp",
    "reduce.cl, RED_, ReduceOp"
  })
  void definesMatchTheEnumOrdinals(String file, String prefix, String enumName) throws IOException {
    Map<String, Integer> defines = defines(file, prefix);
    assertFalse(defines.isEmpty(), file + " defines no " + prefix + " constants");
    for (var e : defines.entrySet()) {
      Enum<?> constant = Enum.valueOf(enumClass(enumName), e.getKey());
      assertEquals(constant.ordinal(), e.getValue(), file + ": " + prefix + e.getKey());
    }
    for (Enum<?> constant : enumClass(enumName).getEnumConstants()) {
      assertEquals(
          constant.ordinal(),
          defines.get(constant.name()),
          file + " defines no " + prefix + constant.name());
    }
  }

  /**
   * The programs that use the shared scalar functions get scalar_ops.h in place of their {@code
   * #include} line, once, and it defines its constants only there.
   */
  @ParameterizedTest
  @ValueSource(strings = {"elementwise.cl", "strided.cl"})
  void includesTheSharedScalarOps(String file) throws IOException {
    String expanded = ClPrograms.source(file);
    assertFalse(
        Pattern.compile("(?m)^#include").matcher(expanded).find(),
        file + " still has an #include line");
    assertEquals(1, count(expanded, "SCALAR_FN float binary_apply(int op, float u, float v) {"));
    assertEquals(1, count(expanded, "#define OP_ADD 0"));
    assertEquals(0, count(source(file), "#define OP_ADD 0"), file + " defines its own constants");
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
    return n;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<Enum> enumClass(String name) {
    return switch (name) {
      case "ActivationKind" -> (Class) ActivationKind.class;
      case "UnaryOp" -> (Class) UnaryOp.class;
      case "BinaryOp" -> (Class) BinaryOp.class;
      default -> (Class) ReduceOp.class;
    };
  }

  private static String source(String file) throws IOException {
    try (InputStream in = ClPrograms.class.getResourceAsStream("kernels/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Map<String, Integer> defines(String file, String prefix) throws IOException {
    Matcher m =
        Pattern.compile("(?m)^#define " + prefix + "([A-Z_0-9]+) (\\d+)$").matcher(source(file));
    Map<String, Integer> found = new TreeMap<>();
    while (m.find()) found.put(m.group(1), Integer.parseInt(m.group(2)));
    return found;
  }
}
