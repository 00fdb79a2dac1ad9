package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.applications.Applications;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Normalization;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.Model;
import org.cnn4j.models.SmallModels;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * keras.applications models in model files: the layers they brought (Normalization with adapted
 * statistics, Dropout's noise shape, VarianceScaling initializers, LayerScale, StochasticDepth,
 * nested Sequentials) save and load with the same predictions and config; the builders' {@code
 * weights} argument loads a cnn4j weights file and points Keras files to cnn-keras.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplicationFilesTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** 8 images of 0-255 pixels, labels 0..2. */
  private static LabeledImages images() {
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[8 * 32 * 32 * 3];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 255);
    float[] y = new float[8];
    for (int i = 0; i < y.length; i++) y[i] = i % 3;
    return new LabeledImages(x, y, 8, 32, 32, 3);
  }

  private void roundTrip(Functional model, Path file) throws Exception {
    LabeledImages data = images();
    model.output(new PrintStream(OutputStream.nullOutputStream()));
    model.compile(new Adam(1e-3), new SparseCategoricalCrossentropy(), "accuracy");
    model.fit(data, FitOptions.epochs(1).batchSize(4).verbose(0));
    float[] before = model.predict(data, 4).values();
    Map<String, Object> config = ModelConfig.of(model);
    model.save(file);
    try (Model loaded = Models.load(file, backend)) {
      assertArrayEquals(before, loaded.predict(data, 4).values());
      assertEquals(Json.write(config), Json.write(ModelConfig.of(loaded)));
      assertEquals(model.countParams(), loaded.countParams());
      assertEquals(model.countTrainableParams(), loaded.countTrainableParams());
    }
  }

  @Test
  void efficientNetWithAdaptedNormalizationSavesAndLoads(@TempDir Path dir) throws Exception {
    try (Functional model =
        Applications.efficientNetB0().inputShape(32, 32, 3).classes(3).backend(backend).build()) {
      Normalization norm = (Normalization) model.getLayer("normalization");
      norm.adapt(images().rescale(1f / 255));
      float[] mean = new float[3];
      backend.download(norm.meanWeight().value().buffer(), 0, mean, 0, 3);
      assertTrue(mean[0] > 0.4 && mean[0] < 0.6, "adapted mean of uniform [0, 1) pixels");
      assertTrue(model.getLayer("block2b_drop").config().containsKey("noise_shape"));
      roundTrip(model, dir.resolve("efficientnet.cnn4j"));
    }
  }

  @Test
  void convNeXtWithStochasticDepthSavesAndLoads(@TempDir Path dir) throws Exception {
    try (Functional model =
        Applications.convNeXtTiny()
            .dropPathRate(0.1)
            .inputShape(32, 32, 3)
            .classes(3)
            .backend(backend)
            .build()) {
      assertEquals(
          "StochasticDepth",
          model.getLayer("convnext_tiny_stage_3_block_2_stochastic_depth").typeName());
      roundTrip(model, dir.resolve("convnext.cnn4j"));
    }
  }

  @Test
  void weightsArgumentLoadsACnn4jWeightsFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("base.cnn4j");
    LabeledImages data = images();
    float[] expected;
    try (Functional a =
        Applications.mobileNetV2()
            .alpha(0.35)
            .inputShape(32, 32, 3)
            .includeTop(false)
            .pooling("avg")
            .backend(backend)
            .seed(1)
            .build()) {
      expected = a.predict(data, 4).values();
      a.saveWeights(file);
    }
    try (Functional b =
        Applications.mobileNetV2()
            .alpha(0.35)
            .inputShape(32, 32, 3)
            .includeTop(false)
            .pooling("avg")
            .backend(backend)
            .seed(2)
            .weights(file)
            .build()) {
      assertArrayEquals(expected, b.predict(data, 4).values());
    }
  }

  @Test
  void kerasWeightsFilesArePointedToCnnKeras(@TempDir Path dir) throws Exception {
    Path h5 = Files.writeString(dir.resolve("resnet50_weights_tf_dim_ordering_tf_kernels.h5"), "");
    long live = backend.memoryStats().liveBuffers();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Applications.resNet50().weights(h5).backend(backend).build());
    assertTrue(e.getMessage().contains("cnn-keras"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Applications.resNet50().weights(dir.resolve("none.cnn4j")).backend(backend).build());
    assertEquals(live, backend.memoryStats().liveBuffers());
  }
}
