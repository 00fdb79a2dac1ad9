package org.cnn4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;
import org.cnn4j.applications.Applications;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.History;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The small keras.applications architectures train one step on the OpenCL backend (PoCL in CI):
 * every op a real graph needs (depthwise and grouped convolutions, squeeze-excite broadcasting,
 * concatenation, layer norm, the activations) runs here, the loss is finite, and closing the model
 * frees every buffer it made. The CPU backend runs all of them in ApplicationsTest.
 */
class ApplicationsOnOpenClTest {
  private static final OpenClBackendProvider PROVIDER = new OpenClBackendProvider();
  private static Backend backend;

  @BeforeAll
  static void open() {
    boolean required = System.getProperty("cnn4j.conformance.require", "").contains("opencl");
    assumeTrue(PROVIDER.probe().available() || required, PROVIDER.probe().reason());
    backend = PROVIDER.open(BackendConfig.defaults());
  }

  @AfterAll
  static void close() {
    if (backend != null) backend.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lenet5", "mobilenet_v2", "efficientnet_b0", "convnext_tiny"})
  void oneTrainingStepRunsAndFreesItsMemory(String name) {
    int[] shape = name.equals("lenet5") ? new int[] {32, 32, 1} : new int[] {32, 32, 3};
    int n = 2;
    int size = shape[0] * shape[1] * shape[2];
    SplittableRandom r = new SplittableRandom(7);
    float[] x = new float[n * size];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 255);
    LabeledImages data = new LabeledImages(x, new float[] {3, 7}, n, shape[0], shape[1], shape[2]);
    long before = backend.memoryStats().liveBuffers();
    try (Functional m =
        Applications.byName(name).inputShape(shape).classes(10).backend(backend).build()) {
      m.output(new PrintStream(OutputStream.nullOutputStream()));
      m.compile(new Adam(1e-3), new SparseCategoricalCrossentropy(), "accuracy");
      History h = m.fit(data, FitOptions.epochs(1).batchSize(n).verbose(0));
      double loss = h.get("loss").get(0);
      assertTrue(Double.isFinite(loss) && loss > 0, name + ": loss " + loss);
    }
    assertEquals(before, backend.memoryStats().liveBuffers(), "buffers after close");
  }
}
