package org.cnn4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernels get enum constants as ordinals: each {@code #define PREFIX_NAME n} of a kernel file
 * must name a constant of the enum with that ordinal, and every constant must have one, so a
 * constant added to the SPI cannot fall into a kernel's default branch unnoticed (no device
 * needed).
 */
class KernelConstantsTest {
  @ParameterizedTest(name = "{1}* in {0}")
  @CsvSource({
    "elementwise.cl, ACT_, ActivationKind",
    "elementwise.cl, UOP_, UnaryOp",
    "elementwise.cl, OP_, BinaryOp",
    "strided.cl, OP_, BinaryOp",
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

  /** strided.cl's broadcast_apply is a copy of elementwise.cl's binary_apply (one per program). */
  @Test
  void broadcastAppliesTheOpsAsBinaryDoes() throws IOException {
    assertEquals(
        body(source("elementwise.cl"), "binary_apply"),
        body(source("strided.cl"), "broadcast_apply"));
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

  /** The lines of an inline function from its opening brace to the closing one at column 0. */
  private static String body(String source, String function) {
    int start = source.indexOf("inline float " + function + "(");
    assertFalse(start < 0, "no function " + function);
    int open = source.indexOf('{', start);
    int close = source.indexOf("\n}\n", open);
    return Arrays.stream(source.substring(open, close).split("\n"))
        .map(String::strip)
        .reduce("", (a, b) -> a + b + "\n");
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
