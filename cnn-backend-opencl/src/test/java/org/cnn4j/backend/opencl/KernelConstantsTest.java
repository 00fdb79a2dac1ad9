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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernels get enum constants as ordinals: each {@code #define PREFIX_NAME n} of a kernel file
 * must name a constant of the enum with that ordinal (no device needed).
 */
class KernelConstantsTest {
  @ParameterizedTest(name = "{1}* in {0}")
  @CsvSource({
    "elementwise.cl, ACT_, ActivationKind",
    "elementwise.cl, OP_, BinaryOp",
    "strided.cl, OP_, BinaryOp",
    "reduce.cl, RED_, ReduceOp"
  })
  void definesMatchTheEnumOrdinals(String file, String prefix, String enumName) throws IOException {
    Map<String, Integer> defines = defines(file, prefix);
    assertFalse(defines.isEmpty(), file + " defines no " + prefix + " constants");
    for (var e : defines.entrySet()) {
      Enum<?> constant =
          switch (enumName) {
            case "ActivationKind" -> ActivationKind.valueOf(e.getKey());
            case "BinaryOp" -> BinaryOp.valueOf(e.getKey());
            default -> ReduceOp.valueOf(e.getKey());
          };
      assertEquals(constant.ordinal(), e.getValue(), file + ": " + prefix + e.getKey());
    }
  }

  private static Map<String, Integer> defines(String file, String prefix) throws IOException {
    try (InputStream in = ClPrograms.class.getResourceAsStream("kernels/" + file)) {
      String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m =
          Pattern.compile("(?m)^#define " + prefix + "([A-Z_0-9]+) (\\d+)$").matcher(source);
      Map<String, Integer> found = new TreeMap<>();
      while (m.find()) found.put(m.group(1), Integer.parseInt(m.group(2)));
      return found;
    }
  }
}
