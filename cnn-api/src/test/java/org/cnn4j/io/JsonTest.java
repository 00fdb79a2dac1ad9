package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesAndReadsBackNestedValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "conv2d \"a\"\n");
    m.put("filters", 16);
    m.put("rate", 0.25);
    m.put("shape", List.of(3, 3, 1, 16));
    m.put("use_bias", true);
    m.put("nothing", null);
    m.put("layers", List.of(Map.of("class_name", "Flatten")));
    Object back = Json.parse(Json.write(m));
    Map<String, Object> expected = new LinkedHashMap<>(m);
    expected.put("filters", 16L);
    expected.put("shape", List.of(3L, 3L, 1L, 16L));
    assertEquals(expected, back);
  }

  @Test
  void aFloatReadsBackAsTheSameFloat() {
    for (float f : new float[] {0.001f, 0.9f, 0.999f, 1e-7f, 0.1f * 3}) {
      String text = Json.write(f).strip();
      assertEquals(f, (float) (double) (Double) Json.parse(text), text);
    }
    assertEquals("0.001", Json.write(0.001f).strip());
  }

  @Test
  void rejectsWhatJsonRejects() {
    for (String bad :
        new String[] {
          "{\"a\": 1,}",
          "[1, 2,]",
          "{'a': 1}",
          "{\"a\": NaN}",
          "{\"a\": 1} x",
          "{\"a\": 1, \"a\": 2}",
          "[01]",
          "{\"a\" 1}",
          "\"unterminated",
          ""
        }) {
      var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
      assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }
  }

  @Test
  void errorsGiveLineAndColumn() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\n  \"a\": [1, 2,,]\n}"));
    assertTrue(e.getMessage().contains("line 2, column 14"), e.getMessage());
  }

  @Test
  void refusesToWriteNaN() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
  }
}
