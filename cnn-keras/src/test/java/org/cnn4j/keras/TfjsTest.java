package org.cnn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.cnn4j.backends.Backends;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second Keras implementation as the oracle: TensorFlow.js' Layers API builds a CNN with seeded
 * weights, saves it as TF.js saves models, and predicts; cnn4j loads that model.json and must
 * predict the same within float32 rounding.
 */
class TfjsTest {
  /** Two float32 implementations of the same sums, summed in different orders. */
  static final float TOLERANCE = 1e-5f;

  static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.open();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static void check(Path dir, String where) throws IOException {
    Fixtures.Expected e = expected(dir.resolve("expected.json"));
    try (Model model = Models.load(dir.resolve("model.json"), backend)) {
      assertEquals(e.params(), model.countParams());
      float diff = Fixtures.maxAbsDiff(e.outputs().get(0), e.predict(model));
      System.out.printf(
          "%s: %d params, max |cnn4j - TensorFlow.js| = %.3g%n", where, model.countParams(), diff);
      assertTrue(diff < TOLERANCE, where + ": max |cnn4j - TensorFlow.js| = " + diff);
    }
  }

  private static Fixtures.Expected expected(Path file) throws IOException {
    var j = KerasJson.parseObject(Files.readString(file));
    int[] s =
        ((java.util.List<?>) j.get("input_shape"))
            .stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    var outs =
        ((java.util.List<?>) j.get("outputs"))
            .stream().map(o -> Fixtures.floats((java.util.List<?>) o)).toList();
    return new Fixtures.Expected(
        s,
        Fixtures.floats((java.util.List<?>) j.get("input")),
        outs,
        ((Number) j.get("params")).longValue());
  }

  @Test
  void aModelSavedByTensorFlowJsLoadsAndPredictsAsItDid() throws Exception {
    check(Fixtures.resource("tfjs_cnn/model.json").getParent(), "tfjs_cnn (saved by TF.js 4.22)");
  }

  /** Where the TF.js packages are: -Dcnn4j.tfjs.modules, CNN4J_TFJS_MODULES, or .cache/npm. */
  static Path modules() {
    String p = System.getProperty("cnn4j.tfjs.modules", System.getenv("CNN4J_TFJS_MODULES"));
    return p != null && !p.isBlank()
        ? Path.of(p)
        : Fixtures.repoRoot().resolve(".cache/npm/node_modules");
  }

  @Test
  void crossCheckWithTensorFlowJsRunNow(@TempDir Path dir) throws Exception {
    Path modules = modules();
    assumeTrue(
        Files.isDirectory(modules.resolve("@tensorflow/tfjs-layers")),
        "TensorFlow.js is not installed in "
            + modules
            + " (.ci/run installs it: npm install --prefix .cache/npm)");
    Process node;
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  "node",
                  Fixtures.repoRoot().resolve("cnn-keras/src/test/js/tfjs_model.js").toString(),
                  dir.toString())
              .redirectErrorStream(true);
      pb.environment().put("NODE_PATH", modules.toString());
      node = pb.start();
    } catch (IOException e) {
      assumeTrue(false, "node is not installed: " + e.getMessage());
      return;
    }
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(node.waitFor(120, TimeUnit.SECONDS), "node did not finish in 120 s");
    assertEquals(0, node.exitValue(), out);
    check(dir, "a CNN TensorFlow.js built and saved just now");
  }
}
