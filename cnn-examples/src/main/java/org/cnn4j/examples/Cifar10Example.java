package org.cnn4j.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.cnn4j.data.AugmentedDataset;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.DatasetNotFoundException;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.ImageDataGenerator;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The lesson's CIFAR-10 network (workload W2). The Keras original is
 *
 * <pre>
 * (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
 * x_train, x_test = x_train / 255.0, x_test / 255.0
 * model = keras.Sequential([keras.Input(shape=(32, 32, 3)),
 *     layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
 *     layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
 *     layers.Conv2D(64, 3, activation="relu"),
 *     layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
 * model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
 * model.fit(x_train, y_train, epochs=10, validation_data=(x_test, y_test))
 * </pre>
 *
 * <p>It reads CIFAR-10's binary batches where {@link Datasets#cifar10()} finds them (nothing is
 * downloaded); without them it prints where it looked and how to get them.
 *
 * <p>Options (all optional; {@code --help} lists them): {@code --dir <folder with data_batch_1.bin
 * ...>}, {@code --epochs 10 --batch 32}, {@code --augment} (random horizontal flips and 10 % shifts
 * through {@link ImageDataGenerator#flow}).
 */
@Command(
    name = "Cifar10Example",
    mixinStandardHelpOptions = true,
    versionProvider = Cnn4j.VersionProvider.class,
    description = "Train the lesson's CIFAR-10 network and print the test accuracy.")
public final class Cifar10Example implements Callable<Integer> {
  @Option(
      names = "--dir",
      description =
          "folder with data_batch_1.bin ... test_batch.bin (default: where Datasets finds it)")
  Path dir;

  @Option(
      names = "--epochs",
      defaultValue = "10",
      description = "epochs (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "batch size (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--augment",
      description = "random horizontal flips and 10 % shifts (ImageDataGenerator.flow)")
  boolean augment;

  private Cifar10Example() {}

  /** The example with the options given as on its command line, e.g. {@code "--epochs", "1"}. */
  public static Cifar10Example parse(String... args) {
    return CommandLine.populateCommand(new Cifar10Example(), args);
  }

  /** The lesson's network (122,570 parameters). */
  public static Sequential lessonNetwork() {
    return new Sequential(
        new Input(32, 32, 3),
        new Conv2D(32, 3, "relu"),
        new MaxPooling2D(2),
        new Conv2D(64, 3, "relu"),
        new MaxPooling2D(2),
        new Conv2D(64, 3, "relu"),
        new Flatten(),
        new Dense(64, "relu"),
        new Dense(10, "softmax"));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cifar10Example()).execute(args));
  }

  /** Exit code 2 when the data set is not on disk. */
  @Override
  public Integer call() throws Exception {
    return run(System.out, System.err).isPresent() ? 0 : 2;
  }

  /**
   * Trains and evaluates; returns the test accuracy, or empty (having printed where it looked to
   * {@code err}) when the data set is not on disk.
   */
  public OptionalDouble run(PrintStream out, PrintStream err) throws Exception {
    TrainTestSplit data;
    try {
      data = dir != null ? Datasets.cifar10(dir) : Datasets.cifar10();
    } catch (DatasetNotFoundException e) {
      err.println(e.getMessage());
      return OptionalDouble.empty();
    }
    LabeledImages test = data.test().rescale(1f / 255);
    LabeledImages plainTrain = augment ? data.train() : data.train().rescale(1f / 255);
    try (AugmentedDataset augmented =
            augment
                ? ImageDataGenerator.builder()
                    .rescale(1 / 255.0)
                    .widthShiftRange(0.1)
                    .heightShiftRange(0.1)
                    .horizontalFlip(true)
                    .build()
                    .flow(plainTrain)
                : null;
        Model model = lessonNetwork().output(out)) {
      Dataset train = augmented != null ? augmented : plainTrain;
      model.summary();
      model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      model.fit(train, FitOptions.epochs(epochs).batchSize(batch).validationData(test));
      Map<String, Double> result = model.evaluate(test, 256);
      out.printf(
          Locale.ROOT,
          "Test accuracy: %.4f (loss %.4f)%n",
          result.get("accuracy"),
          result.get("loss"));
      return OptionalDouble.of(result.get("accuracy"));
    }
  }
}
