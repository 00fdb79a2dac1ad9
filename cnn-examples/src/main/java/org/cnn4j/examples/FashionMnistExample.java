package org.cnn4j.examples;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The lesson's network on Fashion-MNIST: the Keras original is
 *
 * <pre>
 * model = keras.Sequential([
 *     keras.Input(shape=(28, 28, 1)),
 *     layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
 *     layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
 *     layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
 * model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
 * model.fit(x_train / 255.0, y_train, epochs=5, batch_size=32)
 * </pre>
 *
 * Options: {@code --epochs 5 --batch 32} ({@code --help} lists them).
 */
@Command(
    name = "FashionMnistExample",
    mixinStandardHelpOptions = true,
    versionProvider = Cnn4j.VersionProvider.class,
    description = "Train the lesson's CNN on Fashion-MNIST and print the test accuracy.")
public final class FashionMnistExample implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "5", description = "epochs (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "batch size (default ${DEFAULT-VALUE})")
  int batch;

  private FashionMnistExample() {}

  /** The lesson's network (56,714 parameters). */
  public static Sequential lessonNetwork() {
    return new Sequential(
        new Input(28, 28, 1),
        new Conv2D(16, 3, "relu"),
        new MaxPooling2D(2),
        new Conv2D(32, 3, "relu"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense(64, "relu"),
        new Dense(10, "softmax"));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new FashionMnistExample()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    train(epochs, batch);
    return 0;
  }

  /** Trains the lesson's network for {@code epochs} and prints the test accuracy. */
  public static void train(int epochs, int batch) throws IOException {
    TrainTestSplit data = Datasets.fashionMnist();
    LabeledImages train = data.train().rescale(1f / 255);
    LabeledImages test = data.test().rescale(1f / 255);
    try (Sequential model = lessonNetwork()) {
      model.summary();
      model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      model.fit(train, FitOptions.epochs(epochs).batchSize(batch));
      Map<String, Double> result = model.evaluate(test);
      System.out.printf(
          Locale.ROOT,
          "Test accuracy: %.4f (loss %.4f)%n",
          result.get("accuracy"),
          result.get("loss"));
    }
  }
}
