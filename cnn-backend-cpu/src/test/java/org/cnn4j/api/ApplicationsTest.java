package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.cnn4j.applications.ApplicationBuilder;
import org.cnn4j.applications.Applications;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Layer;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.History;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The keras.applications builders: at Keras' default size with include_top, Keras' total and
 * trainable parameter counts and the first and last layers' names and output shapes as Keras'
 * summary shows them (the input layer, then e.g. ResNet50's "conv1_pad" ... "predictions"); at a
 * small size Keras allows, one training step with a finite loss; after close, no buffer left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplicationsTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** One architecture's Keras figures. */
  record KerasCounts(
      String name,
      Supplier<ApplicationBuilder<?>> builder,
      long total,
      long trainable,
      String first,
      Shape firstShape,
      String last,
      Shape lastShape) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Whether to run the case of {@code name}: all, or those of {@code
   * -Dcnn4j.test.apps=vgg16,resnet50} (the big ones allocate hundreds of MB; run them one at a time
   * on a busy machine).
   */
  static boolean chosen(String name) {
    String only = System.getProperty("cnn4j.test.apps");
    return only == null || only.isBlank() || List.of(only.split(",")).contains(name);
  }

  static Stream<KerasCounts> kerasCounts() {
    return Stream.of(
            k(
                "vgg16",
                Applications::vgg16,
                138_357_544,
                138_357_544,
                "block1_conv1",
                s(224, 224, 64),
                "predictions",
                s(1000)),
            k(
                "vgg19",
                Applications::vgg19,
                143_667_240,
                143_667_240,
                "block1_conv1",
                s(224, 224, 64),
                "predictions",
                s(1000)),
            k(
                "resnet50",
                Applications::resNet50,
                25_636_712,
                25_583_592,
                "conv1_pad",
                s(230, 230, 3),
                "predictions",
                s(1000)),
            k(
                "resnet101",
                Applications::resNet101,
                44_707_176,
                44_601_832,
                "conv1_pad",
                s(230, 230, 3),
                "predictions",
                s(1000)),
            k(
                "resnet152",
                Applications::resNet152,
                60_419_944,
                60_268_520,
                "conv1_pad",
                s(230, 230, 3),
                "predictions",
                s(1000)),
            k(
                "resnet50_v2",
                Applications::resNet50V2,
                25_613_800,
                25_568_360,
                "conv1_pad",
                s(230, 230, 3),
                "predictions",
                s(1000)),
            k(
                "inception_v3",
                Applications::inceptionV3,
                23_851_784,
                23_817_352,
                "conv2d",
                s(149, 149, 32),
                "predictions",
                s(1000)),
            k(
                "xception",
                Applications::xception,
                22_910_480,
                22_855_952,
                "block1_conv1",
                s(149, 149, 32),
                "predictions",
                s(1000)),
            k(
                "mobilenet",
                Applications::mobileNet,
                4_253_864,
                4_231_976,
                "conv1",
                s(112, 112, 32),
                "predictions",
                s(1000)),
            k(
                "mobilenet_v2",
                Applications::mobileNetV2,
                3_538_984,
                3_504_872,
                "Conv1",
                s(112, 112, 32),
                "predictions",
                s(1000)),
            k(
                "densenet121",
                Applications::denseNet121,
                8_062_504,
                7_978_856,
                "zero_padding2d",
                s(230, 230, 3),
                "predictions",
                s(1000)),
            k(
                "efficientnet_b0",
                Applications::efficientNetB0,
                5_330_571,
                5_288_548,
                "rescaling",
                s(224, 224, 3),
                "predictions",
                s(1000)),
            k(
                "convnext_tiny",
                Applications::convNeXtTiny,
                28_589_128,
                28_589_128,
                "convnext_tiny_prestem_normalization",
                s(224, 224, 3),
                "convnext_tiny_head_dense",
                s(1000)),
            k(
                "lenet5",
                Applications::leNet5,
                61_750,
                61_750,
                "c1",
                s(28, 28, 6),
                "predictions",
                s(10)),
            k(
                "alexnet",
                Applications::alexNet,
                60_965_224,
                60_965_224,
                "conv1",
                s(55, 55, 96),
                "predictions",
                s(1000)))
        .filter(k -> chosen(k.name()));
  }

  private static Shape s(int... dims) {
    return Shape.of(dims);
  }

  private static KerasCounts k(
      String name,
      Supplier<ApplicationBuilder<?>> b,
      long total,
      long trainable,
      String first,
      Shape firstShape,
      String last,
      Shape lastShape) {
    return new KerasCounts(name, b, total, trainable, first, firstShape, last, lastShape);
  }

  /** Other variants of the families, and one without the top, against Keras' published counts. */
  static Stream<KerasCounts> variants() {
    return Stream.of(
        k(
            "mobilenet_v2 alpha 0.35 96x96 no top",
            () -> Applications.mobileNetV2().alpha(0.35).inputShape(96, 96, 3).includeTop(false),
            410_208,
            -1,
            "Conv1",
            s(48, 48, 16),
            "out_relu",
            s(3, 3, 1280)),
        k(
            "resnet101_v2",
            () -> Applications.byName("resnet101_v2"),
            44_675_560,
            -1,
            "conv1_pad",
            s(230, 230, 3),
            "predictions",
            s(1000)),
        k(
            "resnet152_v2",
            () -> Applications.byName("resnet152v2"),
            60_380_648,
            -1,
            "conv1_pad",
            s(230, 230, 3),
            "predictions",
            s(1000)),
        k(
            "densenet169",
            () -> Applications.byName("densenet169"),
            14_307_880,
            -1,
            "zero_padding2d",
            s(230, 230, 3),
            "predictions",
            s(1000)),
        k(
            "densenet201",
            () -> Applications.byName("DenseNet201"),
            20_242_984,
            -1,
            "zero_padding2d",
            s(230, 230, 3),
            "predictions",
            s(1000)),
        k(
            "efficientnet_b1",
            () -> Applications.byName("efficientnetb1"),
            7_856_239,
            -1,
            "rescaling",
            s(240, 240, 3),
            "predictions",
            s(1000)),
        k(
            "efficientnet_b2",
            () -> Applications.byName("efficientnet_b2"),
            9_177_569,
            -1,
            "rescaling",
            s(260, 260, 3),
            "predictions",
            s(1000)),
        k(
            "efficientnet_b3",
            () -> Applications.byName("efficientnet_b3"),
            12_320_535,
            -1,
            "rescaling",
            s(300, 300, 3),
            "predictions",
            s(1000)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void variantsHaveKerasCounts(KerasCounts k) {
    hasKerasCountsAndLayerNames(k);
  }

  /** One architecture at a small size Keras allows, for one training step. */
  record Small(String name, int[] shape) {
    @Override
    public String toString() {
      return name + " at " + java.util.Arrays.toString(shape);
    }
  }

  static Stream<Small> smallSizes() {
    int[] rgb32 = {32, 32, 3};
    return Stream.of(
            new Small("vgg16", rgb32),
            new Small("vgg19", rgb32),
            new Small("resnet50", rgb32),
            new Small("resnet101", rgb32),
            new Small("resnet152", rgb32),
            new Small("resnet50_v2", rgb32),
            new Small("inception_v3", new int[] {75, 75, 3}),
            new Small("xception", new int[] {71, 71, 3}),
            new Small("mobilenet", rgb32),
            new Small("mobilenet_v2", rgb32),
            new Small("densenet121", rgb32),
            new Small("efficientnet_b0", rgb32),
            new Small("convnext_tiny", rgb32),
            new Small("lenet5", new int[] {32, 32, 1}),
            new Small("alexnet", new int[] {67, 67, 3}))
        .filter(c -> chosen(c.name()));
  }

  /**
   * One training step (Adam, sparse categorical cross-entropy, batch 2, 10 classes) gives a finite
   * loss, and closing the model frees every buffer it made.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smallSizes")
  void oneTrainingStepRunsAndFreesItsMemory(Small c) {
    int n = 2;
    int size = c.shape()[0] * c.shape()[1] * c.shape()[2];
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    float[] x = new float[n * size];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 255);
    LabeledImages data =
        new LabeledImages(x, new float[] {3, 7}, n, c.shape()[0], c.shape()[1], c.shape()[2]);
    long before = backend.memoryStats().liveBuffers();
    try (Functional m =
        Applications.byName(c.name()).inputShape(c.shape()).classes(10).backend(backend).build()) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      m.compile(new Adam(1e-3), new SparseCategoricalCrossentropy(), "accuracy");
      History h = m.fit(data, FitOptions.epochs(1).batchSize(n).verbose(0));
      double loss = h.get("loss").get(0);
      assertTrue(Double.isFinite(loss) && loss > 0, c + ": loss " + loss);
    }
    assertEquals(before, backend.memoryStats().liveBuffers(), "buffers after close");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kerasCounts")
  void hasKerasCountsAndLayerNames(KerasCounts k) {
    long before = backend.memoryStats().liveBuffers();
    try (Functional m = k.builder().get().backend(backend).build()) {
      List<Layer> layers = m.layers();
      if (k.trainable() >= 0)
        assertEquals(k.trainable(), m.countTrainableParams(), "trainable params");
      assertEquals(k.total(), m.countParams(), "total params");
      assertEquals("input_layer", layers.get(0).name());
      assertEquals(k.first(), layers.get(1).name());
      assertEquals(k.firstShape(), layers.get(1).outputShape());
      assertEquals(k.last(), layers.get(layers.size() - 1).name());
      assertEquals(k.lastShape(), layers.get(layers.size() - 1).outputShape());
    }
    assertEquals(before, backend.memoryStats().liveBuffers(), "buffers after close");
  }
}
