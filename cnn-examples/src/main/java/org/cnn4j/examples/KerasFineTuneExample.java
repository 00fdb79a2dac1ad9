package org.cnn4j.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.io.Models;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Adam;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Transfer learning from a Keras model: load it, freeze its base, replace its head, fine-tune on
 * another data set, and save the result as a .keras file that Keras opens. The Keras original:
 *
 * <pre>
 * base = keras.models.load_model("mnist_cnn.h5")
 * base.trainable = False
 * features = base.layers[-1].input                # everything up to the old head
 * x = layers.Dense(64, activation="relu")(features)
 * outputs = layers.Dense(10, activation="softmax")(layers.Dropout(0.3)(x))
 * model = keras.Model(base.inputs, outputs)
 * model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
 * model.fit(x_train / 255.0, y_train, epochs=1)
 * model.save("fashion_from_mnist.keras")
 * </pre>
 *
 * Here the base is the MNIST digits CNN Keras 2.2.4 saved (shared/keras-fixtures), and the new task
 * Fashion-MNIST's clothing.
 *
 * <pre>java ... org.cnn4j.examples.KerasFineTuneExample --epochs 1 --out fashion_from_mnist.keras
 * </pre>
 */
@Command(
    name = "keras-fine-tune-example",
    mixinStandardHelpOptions = true,
    description =
        "Fine-tune a Keras model's base with a new head on Fashion-MNIST, save a .keras file")
public final class KerasFineTuneExample implements Callable<Integer> {
  @Option(names = "--model", description = "the Keras model (default ${DEFAULT-VALUE})")
  Path modelFile = Path.of("../shared/keras-fixtures/mnist_cnn_keras2.2.4.h5");

  @Option(names = "--out", description = "the .keras file written (default ${DEFAULT-VALUE})")
  Path out = Path.of("fashion_from_mnist.keras");

  @Option(names = "--epochs", description = "epochs (default ${DEFAULT-VALUE})")
  int epochs = 1;

  @Option(names = "--train", description = "training images used (default ${DEFAULT-VALUE})")
  int trainCount = 60000;

  @Option(names = "--test", description = "test images used (default ${DEFAULT-VALUE})")
  int testCount = 10000;

  public static void main(String[] args) {
    System.exit(new CommandLine(new KerasFineTuneExample()).execute(args));
  }

  /**
   * {@code base} with its last Dense layer replaced by a new head of {@code classes}, the base
   * frozen: the new model shares the base's (frozen) weights, so close the base after it.
   */
  public static Model replaceHead(Model base, int classes) {
    base.trainable(false);
    Layer head = null;
    for (Layer l : base.layers()) if (l instanceof Dense) head = l;
    if (head == null) throw new IllegalArgumentException("the model has no Dense head to replace");
    SymbolicTensor features = head.input();
    SymbolicTensor x = new Dense(64, "relu").apply(features);
    SymbolicTensor out = new Dense(classes, "softmax").apply(new Dropout(0.3).apply(x));
    return new Functional(null, 7L, base.inputs(), List.of(out)).name("fine_tuned");
  }

  @Override
  public Integer call() throws Exception {
    TrainTestSplit data = Datasets.fashionMnist();
    LabeledImages train = data.train().rescale(1f / 255);
    LabeledImages test = data.test().rescale(1f / 255);
    train = train.slice(0, Math.min(train.count(), trainCount));
    test = test.slice(0, Math.min(test.count(), testCount));
    try (Model base = Models.load(modelFile);
        Model model = replaceHead(base, 10)) {
      model.summary();
      model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      model.fit(train, FitOptions.epochs(epochs).batchSize(32));
      Map<String, Double> result = model.evaluate(test);
      System.out.printf(
          Locale.ROOT,
          "Fashion-MNIST test accuracy of the MNIST base with a new head: %.4f%n",
          result.get("accuracy"));
      model.save(out); // a .keras name: Keras 3 format, keras.models.load_model opens it
      System.out.println("Wrote " + out.toAbsolutePath());
    }
    return 0;
  }
}
