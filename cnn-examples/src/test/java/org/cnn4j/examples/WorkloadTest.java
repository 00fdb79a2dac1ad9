package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.util.Arrays;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.junit.jupiter.api.Test;

/** The benchmark workloads' data: what the peers read, in the shapes BENCHMARKS.md gives. */
class WorkloadTest {
  @Test
  void w1IsFashionMnistScaledToUnitLikeKerasDividingBy255() throws IOException {
    TrainTestSplit data = Workload.W1.data();
    TrainTestSplit raw = Datasets.fashionMnist();
    assertEquals(60_000, data.train().count());
    assertEquals(10_000, data.test().count());
    // Scaled in place, the values are those of LabeledImages.rescale(1 / 255f): bit for bit.
    LabeledImages expected = raw.test().rescale(1f / 255);
    assertArrayEquals(expected.images(), data.test().images());
    assertArrayEquals(raw.test().labels(), data.test().labels());
    float[] train = data.train().images();
    float[] rawTrain = raw.train().images();
    for (int i = 0; i < train.length; i += 997) {
      assertEquals(rawTrain[i] * (1f / 255), train[i], 0f, "pixel " + i);
    }
  }

  @Test
  void syntheticWorkloadsHaveTheirShapesAndSeeds() throws IOException {
    TrainTestSplit w2 = Workload.W2.data();
    assertEquals(10_240, w2.train().count());
    assertEquals(2_560, w2.test().count());
    assertArrayEquals(new int[] {32, 32, 3}, w2.train().sampleShape());
    // The same seed gives the same images, another seed others.
    assertArrayEquals(
        Workload.synthetic(4, 32, 32, 3, 42).images(), w2.train().slice(0, 4).images());
    assertFalse(Arrays.equals(w2.train().slice(0, 4).images(), w2.test().slice(0, 4).images()));
  }
}
