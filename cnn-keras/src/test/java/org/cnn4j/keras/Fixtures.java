package org.cnn4j.keras;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.models.Model;

/** Where the test files are, and how to run a model on an expected.json's input. */
final class Fixtures {
  private Fixtures() {}

  /** The repository's root: the parent of this module's folder. */
  static Path repoRoot() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
  }

  /**
   * One of the real Keras files of the project's shared/keras-fixtures (see {@link
   * #realKerasFile}); skips the test when they are not found.
   */
  static Path shared(String file) {
    return realKerasFile(repoRoot(), file);
  }

  /**
   * {@code file} in the folder the environment variable CNN4J_KERAS_FIXTURES names (.ci/run sets it
   * to the project's shared/keras-fixtures wherever the clone is), else in ../shared/keras-fixtures
   * beside the repository root {@code root}.
   */
  static Path realKerasFile(Path root, String file) {
    String env = System.getenv("CNN4J_KERAS_FIXTURES");
    Path dir =
        env != null && !env.isEmpty()
            ? Path.of(env)
            : root.resolve("../shared/keras-fixtures").normalize();
    assumeTrue(
        Files.isDirectory(dir),
        "the real Keras files are looked for in "
            + dir
            + " (set CNN4J_KERAS_FIXTURES to the folder that holds them)");
    return dir.resolve(file);
  }

  /** A file made by make_fixtures.py, in this module's test resources. */
  static Path resource(String name) {
    try {
      return Path.of(Fixtures.class.getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("no test resource " + name, e);
    }
  }

  /** An input and the outputs Keras computed for it. */
  record Expected(int[] inputShape, float[] input, List<float[]> outputs, long params) {
    static Expected of(String name) throws IOException {
      Map<String, Object> j =
          KerasJson.parseObject(Files.readString(resource(name + ".expected.json")));
      List<?> shape = (List<?>) j.get("input_shape");
      int[] s = shape.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
      List<float[]> outs =
          ((List<?>) j.get("outputs")).stream().map(o -> floats((List<?>) o)).toList();
      return new Expected(
          s, floats((List<?>) j.get("input")), outs, ((Number) j.get("params")).longValue());
    }

    int count() {
      return inputShape[0];
    }

    float[] predict(Model model) {
      int[] sample = java.util.Arrays.copyOfRange(inputShape, 1, inputShape.length);
      ArrayDataset data =
          ArrayDataset.of(count()).input(input, sample).target(new float[count()], 1);
      return model.predict(data, count()).values();
    }
  }

  static float[] floats(List<?> l) {
    float[] out = new float[l.size()];
    for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).floatValue();
    return out;
  }

  static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) throw new AssertionError("lengths " + a.length + " and " + b.length);
    float m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }
}
