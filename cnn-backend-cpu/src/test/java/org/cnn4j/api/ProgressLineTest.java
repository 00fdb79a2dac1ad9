package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * On an output that is not a terminal, fit prints Keras' progress line once per epoch, uncoloured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgressLineTest {
  private static final Pattern LINE =
      Pattern.compile(
          "^\\d+/\\d+ ━{20} \\d+m?s \\d+(ms|us|s)/step - accuracy: [01]\\.\\d{4} - loss: \\d+\\.\\d{4}"
              + "( - val_accuracy: [01]\\.\\d{4} - val_loss: \\d+\\.\\d{4})?$");

  private Backend backend;

  @BeforeAll
  void open() {
    backend = ApiTests.openCpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private List<String> fit(FitOptions options) {
    var out = new ApiTests.Captured();
    try (var m =
        new Sequential(
            backend,
            42L,
            new Input(8, 8, 1),
            new Conv2D(2, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(Quadrants.CLASSES, "softmax"))) {
      m.output(out.stream);
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      m.fit(Quadrants.images(64, 8, 3L), options);
    }
    return Arrays.asList(out.toString().split("\n", -1));
  }

  @Test
  void verbose1PrintsTheEpochAndOneProgressLinePerEpoch() {
    List<String> lines = fit(FitOptions.epochs(2).batchSize(16).verbose(1));
    assertEquals(
        List.of("Epoch 1/2", "Epoch 2/2"),
        lines.stream().filter(l -> l.startsWith("Epoch")).toList(),
        String.join("\n", lines));
    assertEquals(
        2, lines.stream().filter(l -> LINE.matcher(l).matches()).count(), String.join("\n", lines));
    assertTrue(
        lines.stream().filter(l -> LINE.matcher(l).matches()).allMatch(l -> l.startsWith("4/4 ")),
        String.join("\n", lines));
    assertTrue(
        lines.stream().noneMatch(l -> l.contains("\u001b") || l.contains("\r")),
        "no terminal escapes");
  }

  @Test
  void validationValuesFollowTheTrainingValues() {
    List<String> lines = fit(FitOptions.epochs(1).batchSize(16).validationSplit(0.25).verbose(1));
    List<String> progress = lines.stream().filter(l -> LINE.matcher(l).matches()).toList();
    assertEquals(1, progress.size(), String.join("\n", lines));
    assertTrue(
        progress.get(0).startsWith("3/3 ") && progress.get(0).contains(" - val_accuracy: "),
        progress.get(0));
  }

  @Test
  void verbose0PrintsNothing() {
    assertEquals(List.of(""), fit(FitOptions.epochs(1).batchSize(16).verbose(0)));
  }
}
