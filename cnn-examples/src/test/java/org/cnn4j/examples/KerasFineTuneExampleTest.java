package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.DatasetNotFoundException;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.io.Models;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example's transfer learning: a frozen Keras base keeps its weights, the new head learns. */
class KerasFineTuneExampleTest {
  @Test
  void aFrozenKerasBaseWithANewHeadLearnsFashionMnistAndSavesAsKeras(@TempDir Path dir)
      throws Exception {
    Path root =
        Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    String env = System.getenv("CNN4J_KERAS_FIXTURES");
    Path fixtures =
        env != null && !env.isEmpty()
            ? Path.of(env)
            : root.resolve("../shared/keras-fixtures").normalize();
    Path file = fixtures.resolve("mnist_cnn_keras2.2.4.h5");
    assumeTrue(Files.isRegularFile(file), "no " + file);
    TrainTestSplit data;
    try {
      data = Datasets.fashionMnist();
    } catch (DatasetNotFoundException e) {
      assumeTrue(false, e.getMessage());
      return;
    }
    LabeledImages train = data.train().slice(0, 3000).rescale(1f / 255);
    LabeledImages test = data.test().slice(0, 1000).rescale(1f / 255);
    Path out = dir.resolve("fashion_from_mnist.keras");
    try (Model base = Models.load(file);
        Model model = KerasFineTuneExample.replaceHead(base, 10)) {
      List<float[]> frozen =
          base.getLayer("conv2d_1").parameters().isEmpty() ? null : weights(base);
      model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      model.fit(train, FitOptions.epochs(2).batchSize(32).verbose(0));
      Map<String, Double> result = model.evaluate(test);
      System.out.printf(
          "fine-tuned head on 3000 Fashion-MNIST images: test accuracy %.3f%n",
          result.get("accuracy"));
      assertTrue(result.get("accuracy") > 0.4, "well above chance (0.1): " + result);
      List<float[]> after = weights(base);
      for (int i = 0; i < frozen.size(); i++)
        assertArrayEquals(frozen.get(i), after.get(i), "the frozen base is unchanged");
      model.save(out);
      float[] p = model.predict(test, 64).values();
      try (Model again = Models.load(out)) {
        assertEquals(model.countParams(), again.countParams());
        assertArrayEquals(p, again.predict(test, 64).values());
      }
    }
  }

  private static List<float[]> weights(Model base) {
    return base.getLayer("conv2d_1").parameters().stream()
        .map(
            p -> {
              float[] v = new float[(int) p.shape().size()];
              base.backend().download(p.value().buffer(), 0, v, 0, v.length);
              return v;
            })
        .toList();
  }
}
