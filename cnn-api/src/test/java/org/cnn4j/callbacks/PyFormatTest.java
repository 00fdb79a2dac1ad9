package org.cnn4j.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Callbacks print numbers and fill file names as Python does. */
class PyFormatTest {
  @Test
  void reprMatchesPythonStrOfAFloat() {
    assertEquals("0.1", PyFormat.repr(0.1));
    assertEquals("3.0", PyFormat.repr(3.0));
    assertEquals("0.0001", PyFormat.repr(1e-4));
    assertEquals("1e-05", PyFormat.repr(1e-5));
    assertEquals("1.5e-07", PyFormat.repr(1.5e-7));
    assertEquals("1e+16", PyFormat.repr(1e16));
    assertEquals("0.00010000000474974513", PyFormat.repr((double) 0.001f * 0.1));
    assertEquals("inf", PyFormat.repr(Double.POSITIVE_INFINITY));
    assertEquals("nan", PyFormat.repr(Double.NaN));
    assertEquals("-2.5", PyFormat.repr(-2.5));
  }

  @Test
  void fixedWritesInfAsPythonDoes() {
    assertEquals("inf", PyFormat.fixed(Double.POSITIVE_INFINITY, 5));
    assertEquals("0.41235", PyFormat.fixed(0.412345678, 5));
  }

  @Test
  void formatFillsKerasCheckpointPatterns() {
    Map<String, Number> v = Map.of("epoch", 3, "val_loss", 0.41567, "loss", 0.5);
    assertEquals(
        "ckpt/model-03-0.42.cnn4j",
        PyFormat.format("ckpt/model-{epoch:02d}-{val_loss:.2f}.cnn4j", v));
    assertEquals("e3-l0.5", PyFormat.format("e{epoch}-l{loss}", v));
    assertEquals("plain.cnn4j", PyFormat.format("plain.cnn4j", v));
    assertEquals(
        "0.12-0.38-00.50",
        PyFormat.format(
            "{a:.2f}-{b:.2f}-{loss:05.2f}", Map.of("a", 0.125, "b", 0.375, "loss", 0.5)));
  }

  @Test
  void formatNamesAMissingKey() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PyFormat.format("m-{val_acc:.2f}", Map.of("epoch", 1)));
    assertTrue(e.getMessage().contains("'val_acc'"), e.getMessage());
  }
}
