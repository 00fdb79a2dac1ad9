package org.cnn4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Output sizes and argument checks as Keras 3 computes and makes them. */
class KerasGeometryTest {
  private final Backend backend = HostBackend.create();

  private String buildError(Layer layer, int... sample) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> layer.build(Shape.of(sample), backend, new SplittableRandom(0)))
        .getMessage();
  }

  private Shape built(Layer layer, int... sample) {
    return layer.build(Shape.of(sample), backend, new SplittableRandom(0));
  }

  @Test
  void convWhoseWindowDoesNotFitTheInputIsAnErrorNamingTheLayerNotAnOutputOfOne() {
    // Keras: floor((3 - 5) / 3) + 1 = 0, an error; Java's truncation gave (3 - 5) / 3 + 1 = 1.
    String msg = buildError(new Conv2D(4, 5).strides(3).name("small"), 3, 9, 1);
    assertTrue(msg.contains("small (Conv2D)"), msg);
    assertTrue(msg.contains("(None, 3, 9, 1)"), msg);
  }

  @Test
  void poolLargerThanTheImageIsAnErrorNamingTheLayer() {
    String msg = buildError(new MaxPooling2D(64).name("pool"), 28, 28, 1);
    assertTrue(msg.contains("pool (MaxPooling2D)"), msg);
    assertTrue(msg.contains("(None, 28, 28, 1)"), msg);
    msg = buildError(new AveragePooling2D(30).name("avg"), 28, 28, 1);
    assertTrue(msg.contains("avg (AveragePooling2D)"), msg);
  }

  @Test
  void validOutputSizesAreFloorOfTheSpanOverTheStridePlusOne() {
    assertEquals(Shape.of(2, 3, 4), built(new Conv2D(4, 3).strides(3).name("c"), 8, 11, 1));
    assertEquals(Shape.of(1, 1, 2), built(new MaxPooling2D(3).strides(2).name("p"), 4, 3, 2));
    assertEquals(Shape.of(3, 4, 4), built(new Conv2D(4, 5).strides(3).padding("same"), 7, 10, 1));
  }

  @Test
  void convWithStridesAndDilationBothAboveOneIsRejectedAsKerasDoesNamingTheLayer() {
    String msg = buildError(new Conv2D(4, 3).strides(2).dilationRate(2).name("atrous"), 16, 16, 1);
    assertTrue(msg.contains("atrous (Conv2D)"), msg);
    assertTrue(msg.contains("strides=(2, 2)") && msg.contains("dilation_rate=(2, 2)"), msg);
    assertEquals(Shape.of(12, 12, 4), built(new Conv2D(4, 3).dilationRate(2), 16, 16, 1));
    assertEquals(Shape.of(7, 7, 4), built(new Conv2D(4, 3).strides(2), 16, 16, 1));
  }
}
