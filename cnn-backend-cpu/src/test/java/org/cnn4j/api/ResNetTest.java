package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.cnn4j.applications.CifarResNet;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.History;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** ResNet-20 v1 of Keras' cifar10_resnet.py: its counts, its summary, and that it learns. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResNetTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  @Test
  void resnet20HasKerasCounts() {
    try (Functional m = CifarResNet.v1(20, new int[] {32, 32, 3}, 10, backend, 1L)) {
      assertEquals(274_442, m.countParams());
      assertEquals(273_066, m.countTrainableParams());
      assertEquals(21, m.layers().stream().filter(l -> l.typeName().equals("Conv2D")).count());
      assertEquals(
          19, m.layers().stream().filter(l -> l.typeName().equals("BatchNormalization")).count());
      assertEquals(21, m.regularizers().size(), "L2 on every convolution kernel");
      ApiTests.Captured out = new ApiTests.Captured();
      m.output(out.stream);
      m.summary();
      String s = out.toString();
      assertTrue(s.contains("Connected to"), s);
      assertTrue(s.contains(" Total params: 274,442 (1.05 MB)"), s);
      assertTrue(s.contains(" Trainable params: 273,066 (1.04 MB)"), s);
      assertTrue(s.contains(" Non-trainable params: 1,376 (5.38 KB)"), s);
      assertTrue(
          s.contains(
              "│ add (Add)           │ (None, 32, 32,    │          0 │ activation[0][0], │"),
          s);
    }
  }

  @Test
  void resnet8LearnsQuadrantsWithItsRegularizedLoss() {
    // 32x32, the size the network's final 8x8 average pooling is made for.
    LabeledImages grey = Quadrants.images(64, 32, 3L);
    float[] rgb = new float[64 * 32 * 32 * 3];
    for (int i = 0; i < 64 * 32 * 32; i++) {
      for (int c = 0; c < 3; c++) rgb[i * 3 + c] = grey.images()[i];
    }
    LabeledImages data = new LabeledImages(rgb, grey.labels(), 64, 32, 32, 3);
    try (Functional m = CifarResNet.v1(8, new int[] {32, 32, 3}, 4, backend, 2L)) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      m.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
      History h = m.fit(data, FitOptions.epochs(6).batchSize(16).verbose(0));
      assertTrue(h.get("loss").get(5) < h.get("loss").get(0), h.get("loss").toString());
      Map<String, Double> e = m.evaluate(data, 16);
      assertTrue(e.get("loss") > 0, "the L2 penalty is part of the loss");
    }
  }
}
