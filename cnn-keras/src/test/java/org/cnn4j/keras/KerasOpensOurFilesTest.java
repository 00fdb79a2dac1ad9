package org.cnn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras 3 itself opens the .keras files cnn4j writes and predicts what cnn4j predicts. Runs where
 * {@code CNN4J_KERAS_PYTHON} names a Python with Keras 3 and a backend (for example JAX); skipped
 * elsewhere (the build never installs Python packages).
 */
class KerasOpensOurFilesTest {
  /** One input and output, a nested functional model inside (Keras' Functional class). */
  static Model nestedFunctional(Backend backend) {
    var inner = org.cnn4j.layers.Input.of(6, 6, 3);
    var conv = new org.cnn4j.layers.Conv2D(3, 3).padding("same").activation("relu").apply(inner);
    var cell =
        new org.cnn4j.models.Functional(
            backend, 5, List.of(inner), List.of(new org.cnn4j.layers.Add().apply(conv, inner)));
    cell.name("cell");
    var in = org.cnn4j.layers.Input.of(6, 6, 3);
    var x = cell.apply(cell.apply(in)); // called twice, one set of weights
    var out =
        new org.cnn4j.layers.Dense(4, "softmax")
            .apply(new org.cnn4j.layers.GlobalAveragePooling2D().apply(x));
    Model m = new org.cnn4j.models.Functional(backend, 6, List.of(in), List.of(out));
    m.closeWith(cell);
    return m;
  }

  @Test
  void kerasLoadsOurFilesAndPredictsTheSame(@TempDir Path dir) throws Exception {
    String python = System.getenv("CNN4J_KERAS_PYTHON");
    assumeTrue(
        python != null && !python.isBlank(),
        "CNN4J_KERAS_PYTHON (a Python with Keras 3) is not set");
    List<Map<String, Object>> cases = new ArrayList<>();
    List<float[]> ours = new ArrayList<>();
    List<Long> params = new ArrayList<>();
    try (Backend backend = Backends.open()) {
      List<Model> models = new ArrayList<>();
      models.add(RoundTripTest.graph(backend));
      models.add(nestedFunctional(backend));
      for (String f :
          List.of("k3_functional.keras", "k3_channels_first_legacy.h5", "keras1_theano_th.h5"))
        models.add(KerasModels.load(Fixtures.resource(f), backend));
      for (Path real :
          List.of("mnist_cnn_keras2.2.4.h5", "fer_mini_xception_keras2.0.5.hdf5").stream()
              .map(Fixtures::shared)
              .toList()) if (Files.exists(real)) models.add(KerasModels.load(real, backend));
      for (int i = 0; i < models.size(); i++) {
        try (Model m = models.get(i)) {
          int[] s = m.inputShape().dims();
          ArrayDataset raw = RoundTripTest.images(2, s[0], s[1], s[2]);
          float[] x = new float[2 * s[0] * s[1] * s[2]];
          raw.copyBatch(null, 0, 2, x, new float[2]);
          // Pixels in [0, 1], except for the model that rescales them itself (no saturated
          // softmax).
          if (i > 0) for (int k = 0; k < x.length; k++) x[k] /= 255f;
          ArrayDataset data = ArrayDataset.of(2).input(x, s).target(new float[2], 1);
          Path file = dir.resolve("m" + i + ".keras");
          KerasModels.save(m, file);
          ours.add(m.predict(data, 2).values());
          params.add(m.countParams());
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("file", file.toString());
          c.put("input_shape", List.of(2, s[0], s[1], s[2]));
          List<Object> xs = new ArrayList<>();
          for (float v : x) xs.add((double) v);
          c.put("input", xs);
          cases.add(c);
        }
      }
    }
    Path inputs = dir.resolve("inputs.json");
    Files.writeString(inputs, KerasJson.write(cases));
    Path script = Fixtures.repoRoot().resolve("cnn-keras/src/test/python/keras_predict.py");
    Process p =
        new ProcessBuilder(python, script.toString(), inputs.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    List<?> results = (List<?>) KerasJson.parse(out.lines().reduce((a, b) -> b).orElse("[]"));
    assertEquals(ours.size(), results.size());
    for (int i = 0; i < ours.size(); i++) {
      Map<?, ?> r = (Map<?, ?>) results.get(i);
      float[] theirs = Fixtures.floats((List<?>) r.get("output"));
      float diff = Fixtures.maxAbsDiff(ours.get(i), theirs);
      System.out.printf(
          "Keras 3 opened m%d.keras: %d params, max |cnn4j - Keras| = %.3g%n",
          i, ((Number) r.get("params")).longValue(), diff);
      assertEquals(params.get(i), ((Number) r.get("params")).longValue());
      assertTrue(diff < 1e-4, "m" + i + ": max diff " + diff);
    }
  }
}
