package org.cnn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.cnn4j.backends.Backends;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The five files Keras itself saved (../shared/keras-fixtures) load with their README's counts. */
class RealKerasFilesTest {
  static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.open();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  record Case(String file, long params, String modelClass, int[] input) {
    @Override
    public String toString() {
      return file + " (" + params + " params)";
    }
  }

  static Stream<Case> files() {
    return Stream.of(
        new Case("mnist_cnn_keras2.2.4.h5", 242_062, "Sequential", new int[] {28, 28, 1}),
        new Case("fer_mini_xception_keras2.0.5.hdf5", 58_423, "Functional", new int[] {64, 64, 1}),
        new Case("cifar10_resnet8_tfkeras2.4.0.h5", 78_666, "Functional", new int[] {32, 32, 3}),
        new Case(
            "vww96_mobilenetv1_a025_tfkeras2.4.0.h5", 221_794, "Functional", new int[] {96, 96, 3}),
        new Case("strww_dscnn_tfkeras2.14.0.h5", 47_707, "Functional", new int[] {30, 1, 40}));
  }

  @ParameterizedTest
  @MethodSource("files")
  void loadsWithTheParamCountItsReadmeGives(Case c) throws Exception {
    try (Model model = KerasModels.load(Fixtures.shared(c.file()), backend)) {
      assertEquals(c.params(), model.countParams());
      assertEquals(c.modelClass(), model.typeName());
      assertEquals(org.cnn4j.tensor.Shape.of(c.input()), model.inputShape());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      model.output(new PrintStream(out, true, StandardCharsets.UTF_8)).summary();
      String summary = out.toString(StandardCharsets.UTF_8);
      assertTrue(summary.contains(String.format("%,d", c.params())), summary);
      assertNotNull(model.optimizer(), "the training config is restored");
    }
  }
}
