package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.optimizers.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The transfer-learning workflow: frozen weights stay, the new head trains, the run completes. */
class TransferLearningExampleTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @Test
  void aFrozenBaseKeepsItsWeightsWhileTheNewHeadTrains() {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[8 * 32 * 32 * 3];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    LabeledImages data = new LabeledImages(x, new float[] {0, 1, 2, 0, 1, 2, 0, 1}, 8, 32, 32, 3);
    try (Functional base = TransferLearningExample.base(0.35, 32, 1L, null)) {
      base.trainable(false);
      try (Functional model = TransferLearningExample.withHead(base, 3, "new_head", true)) {
        model.output(QUIET);
        List<float[]> frozen = base.getWeights();
        List<float[]> head =
            List.copyOf(model.getLayer("new_head").parameters()).stream()
                .map(p -> read(base, p))
                .toList();
        model.compile(new Adam(1e-2), new SparseCategoricalCrossentropy(), "accuracy");
        model.fit(data, FitOptions.epochs(2).batchSize(4).verbose(0));
        List<float[]> after = base.getWeights();
        for (int i = 0; i < frozen.size(); i++) assertArrayEquals(frozen.get(i), after.get(i));
        float[] kernel = read(base, model.getLayer("new_head").parameters().get(0));
        assertFalse(Arrays.equals(head.get(0), kernel), "the new head trained");
        assertEquals(1280 * 3 + 3, model.countTrainableParams());
      }
    }
  }

  private static float[] read(Functional on, org.cnn4j.tensor.Parameter p) {
    float[] v = new float[(int) p.shape().size()];
    on.backend().download(p.value().buffer(), 0, v, 0, v.length);
    return v;
  }

  @Test
  void theWorkflowRunsEndToEnd(@TempDir Path dir) throws Exception {
    TransferLearningExample example = new TransferLearningExample();
    new CommandLine(example)
        .parseArgs(
            "--dir",
            dir.toString(),
            "--image",
            "40",
            "--train",
            "6",
            "--val",
            "3",
            "--size",
            "32",
            "--pretrain",
            "1",
            "--head",
            "1",
            "--finetune",
            "1",
            "--batch",
            "6",
            "--verbose",
            "0");
    TransferLearningExample.Result r = example.run(QUIET);
    for (double acc :
        new double[] {r.pretrained(), r.newHeadBefore(), r.newHeadAfter(), r.fineTuned()}) {
      assertTrue(acc >= 0 && acc <= 1, r.toString());
    }
    assertEquals(410_208, r.frozenParams(), "MobileNetV2 alpha 0.35 without top, Keras' count");
    assertEquals(1280 * 3 + 3, r.headParams());
  }
}
