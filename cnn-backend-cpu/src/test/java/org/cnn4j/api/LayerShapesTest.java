package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every layer's output shape and parameter count, as Keras reports them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LayerShapesTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private Sequential model(Layer... stack) {
    return new Sequential(backend, 42L, stack);
  }

  private static List<Shape> shapes(Sequential m) {
    return m.layers().stream().map(Layer::outputShape).toList();
  }

  private static List<Long> params(Sequential m) {
    return m.layers().stream().map(Layer::countParams).toList();
  }

  @Test
  void kerasMnistConvnetHas34826Params() {
    try (var m =
        model(
            new Input(28, 28, 1),
            new Conv2D(32, 3, "relu"),
            new MaxPooling2D(2),
            new Conv2D(64, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dropout(0.5),
            new Dense(10, "softmax"))) {
      assertEquals(
          List.of(
              Shape.of(26, 26, 32),
              Shape.of(13, 13, 32),
              Shape.of(11, 11, 64),
              Shape.of(5, 5, 64),
              Shape.of(1600),
              Shape.of(1600),
              Shape.of(10)),
          shapes(m));
      assertEquals(List.of(320L, 0L, 18_496L, 0L, 0L, 0L, 16_010L), params(m));
      assertEquals(34_826L, params(m).stream().mapToLong(Long::longValue).sum());
    }
  }

  @Test
  void lessonNetworkHas56714Params() {
    try (var m =
        model(
            new Input(28, 28, 1),
            new Conv2D(16, 3, "relu"),
            new MaxPooling2D(2),
            new Conv2D(32, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(64, "relu"),
            new Dense(10, "softmax"))) {
      assertEquals(
          List.of(
              Shape.of(26, 26, 16),
              Shape.of(13, 13, 16),
              Shape.of(11, 11, 32),
              Shape.of(5, 5, 32),
              Shape.of(800),
              Shape.of(64),
              Shape.of(10)),
          shapes(m));
      assertEquals(List.of(160L, 0L, 4_640L, 0L, 0L, 51_264L, 650L), params(m));
      assertEquals(56_714L, params(m).stream().mapToLong(Long::longValue).sum());
    }
  }

  @Test
  void conv2dSamePaddingKeepsHeightAndWidth() {
    try (var m = model(new Input(9, 7, 3), new Conv2D(5, 3).padding("same"))) {
      assertEquals(Shape.of(9, 7, 5), m.outputShape());
      assertEquals(3 * 3 * 3 * 5 + 5, m.layers().get(0).countParams());
    }
  }

  @Test
  void conv2dStrides2HalvesRoundingUpWithSameAndDownWithValid() {
    try (var same = model(new Input(9, 8, 1), new Conv2D(2, 3).strides(2).padding("same"));
        var valid = model(new Input(9, 8, 1), new Conv2D(2, 3).strides(2))) {
      assertEquals(Shape.of(5, 4, 2), same.outputShape());
      assertEquals(Shape.of(4, 3, 2), valid.outputShape());
    }
  }

  @Test
  void conv2dDilationWidensTheKernel() {
    try (var m = model(new Input(9, 9, 2), new Conv2D(3, 3).dilationRate(2))) {
      assertEquals(Shape.of(5, 5, 3), m.outputShape());
      assertEquals(3 * 3 * 2 * 3 + 3, m.layers().get(0).countParams());
    }
  }

  @Test
  void conv2dWithoutBiasHasOnlyTheKernel() {
    try (var m = model(new Input(6, 6, 2), new Conv2D(4, 3).useBias(false))) {
      assertEquals(3 * 3 * 2 * 4, m.layers().get(0).countParams());
    }
  }

  @Test
  void poolingShapes() {
    try (var m =
        model(new Input(7, 7, 3), new MaxPooling2D(2), new AveragePooling2D(2).padding("same"))) {
      assertEquals(List.of(Shape.of(3, 3, 3), Shape.of(2, 2, 3)), shapes(m));
      assertEquals(List.of(0L, 0L), params(m));
    }
  }

  @Test
  void maxPoolingWithStrideOneOverlaps() {
    try (var m = model(new Input(5, 5, 1), new MaxPooling2D(3).strides(1))) {
      assertEquals(Shape.of(3, 3, 1), m.outputShape());
    }
  }

  @Test
  void batchNormalizationHas4CParamsOfWhich2CNonTrainable() {
    try (var m = model(new Input(6, 6, 8), new BatchNormalization())) {
      Layer bn = m.layers().get(0);
      assertEquals(Shape.of(6, 6, 8), bn.outputShape());
      assertEquals(32, bn.countParams());
      assertEquals(16, bn.countTrainableParams());
    }
  }

  @Test
  void globalAveragePoolingKeepsTheChannels() {
    try (var m = model(new Input(5, 4, 7), new GlobalAveragePooling2D(), new Dense(3))) {
      assertEquals(List.of(Shape.of(7), Shape.of(3)), shapes(m));
      assertEquals(List.of(0L, 24L), params(m));
    }
  }

  @Test
  void flattenAndDropoutHaveNoParams() {
    try (var m = model(new Input(3, 4, 5), new Flatten(), new Dropout(0.25))) {
      assertEquals(List.of(Shape.of(60), Shape.of(60)), shapes(m));
      assertEquals(List.of(0L, 0L), params(m));
    }
  }

  @Test
  void unnamedLayersGetKerasNames() {
    try (var m =
        model(
            new Input(8, 8, 1),
            new Conv2D(2, 3),
            new Conv2D(2, 3),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(2))) {
      assertEquals(
          List.of("conv2d", "conv2d_1", "max_pooling2d", "flatten", "dense"),
          m.layers().stream().map(Layer::name).toList());
    }
  }
}
