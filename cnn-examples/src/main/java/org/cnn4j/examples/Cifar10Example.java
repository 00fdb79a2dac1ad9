package org.cnn4j.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
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
 * <p>Arguments (all optional): {@code dir=<folder with data_batch_1.bin ...>}, {@code epochs=10
 * batch=32}, {@code augment=false} (true: random horizontal flips and 10 % shifts through {@link
 * ImageDataGenerator#flow}).
 */
public final class Cifar10Example {
  private Cifar10Example() {}

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

  public static void main(String[] args) throws Exception {
    if (run(Args.parse(args), System.out, System.err).isEmpty()) System.exit(2);
  }

  /**
   * Trains and evaluates; returns the test accuracy, or empty (having printed where it looked to
   * {@code err}) when the data set is not on disk.
   */
  public static OptionalDouble run(Map<String, String> a, PrintStream out, PrintStream err)
      throws Exception {
    int epochs = Integer.parseInt(a.getOrDefault("epochs", "10"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
    boolean augment = Boolean.parseBoolean(a.getOrDefault("augment", "false"));
    TrainTestSplit data;
    try {
      data = a.containsKey("dir") ? Datasets.cifar10(Path.of(a.get("dir"))) : Datasets.cifar10();
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
