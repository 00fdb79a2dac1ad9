package org.cnn4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnn4j.applications.Applications;
import org.cnn4j.applications.LeNet5;
import org.cnn4j.callbacks.CSVLogger;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.callbacks.ModelCheckpoint;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.io.ModelConfig;
import org.cnn4j.io.ModelFiles;
import org.cnn4j.io.Models;
import org.cnn4j.losses.Loss;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.History;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.plots.PlotCallback;
import org.cnn4j.spi.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cnn4j train}: trains a built-in or JSON architecture on a data set, resumable from a
 * checkpoint.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a network on a data set and print the test accuracy.",
      "With --checkpoint, the model is saved after every epoch, and when the file exists training resumes "
          + "from it (same weights, optimizer state and epoch): run the same command again after an interruption."
    })
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      defaultValue = "lesson",
      paramLabel = "ARCH",
      description =
          "lesson (28x28x1), cifar (32x32x3), w3 (224x224x3), resnet20, a keras.applications"
              + " model (vgg16, resnet50, mobilenet_v2, efficientnet_b0, convnext_tiny, lenet5,"
              + " alexnet, ...: built for the data's image size and classes; 28x28 grey images"
              + " are padded to 32x32, and to RGB unless lenet5) or a JSON architecture file"
              + " (default ${DEFAULT-VALUE})")
  String model;

  @Option(
      names = "--dataset",
      defaultValue = "fashion-mnist",
      description = "fashion-mnist, mnist or cifar10 (default ${DEFAULT-VALUE})")
  String dataset;

  @Option(
      names = "--epochs",
      defaultValue = "5",
      description =
          "epochs in all, counting those of a resumed checkpoint (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "batch size (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--optimizer",
      defaultValue = "adam",
      description =
          "sgd, adam, adamw or rmsprop, Keras' defaults; ignored when the JSON file has a compile_config (default ${DEFAULT-VALUE})")
  String optimizer;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "seed of the initial weights, shuffling and dropout (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--validation-split",
      defaultValue = "0",
      paramLabel = "FRACTION",
      description =
          "fraction of the training data held out for validation (default ${DEFAULT-VALUE})")
  double validationSplit;

  @Option(
      names = "--backend",
      defaultValue = "",
      description = "backend id (default: -Dcnn4j.backend, CNN4J_BACKEND, else auto)")
  String backendId;

  @Option(names = "--save", paramLabel = "FILE", description = "save the trained model here")
  Path save;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description = "save after every epoch; resume from it when it exists")
  Path checkpoint;

  @Option(
      names = "--plot",
      paramLabel = "DIR",
      description = "write training_curves.png (and history.csv) here")
  Path plot;

  @Option(names = "--quiet", description = "one line per epoch instead of the progress bar")
  boolean quiet;

  @Spec CommandSpec spec;

  /** Whether the user gave {@code option} (not just its default). */
  private boolean given(String option) {
    return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--epochs", epochs, 1);
    OptionChecks.atLeast("--batch", batch, 1);
    OptionChecks.fraction("--validation-split", validationSplit);
    // Before any training: a model that cannot be saved at the end is hours lost.
    if (save != null) ModelFiles.checkWritable(save);
    if (checkpoint != null) ModelFiles.checkWritable(checkpoint);
    TrainTestSplit loaded = CliSupport.dataset(dataset);
    boolean application = Applications.has(model);
    TrainTestSplit data = application ? padSmallImages(loaded, model) : loaded;
    try (Backend backend = CliSupport.openBackend(backendId)) {
      boolean resume = checkpoint != null && Files.isRegularFile(checkpoint);
      try (Model net = resume ? Models.load(checkpoint, backend) : architecture(backend, data)) {
        if (resume) checkResumable(net, backend, data);
        int initialEpoch = 0;
        if (resume) {
          initialEpoch = net.epochsTrained();
          System.out.println("Resuming from " + checkpoint + " after epoch " + initialEpoch);
        } else {
          net.summary();
        }
        // What predict needs to read an image file alone: the data's scaling and class names.
        net.inputScale(1f / 255, 0f);
        List<String> names = CliSupport.classNames(dataset);
        if (names != null && names.size() == net.outputShape().size()) net.classNames(names);
        if (net.optimizer() == null) {
          net.compile(
              Optimizer.of(optimizer), Loss.of("sparse_categorical_crossentropy"), "accuracy");
        }
        List<Callback> callbacks = new ArrayList<>();
        if (checkpoint != null) callbacks.add(new ModelCheckpoint(checkpoint));
        if (plot != null) {
          Path csv = plot.resolve("history.csv");
          Map<String, List<Double>> earlier =
              resume ? HistoryCsv.read(csv, initialEpoch) : Map.of();
          callbacks.add(new CSVLogger(csv, ",", resume));
          callbacks.add(new PlotCallback(plot.resolve("training_curves.png"), earlier, 1));
        }
        if (initialEpoch < epochs) {
          FitOptions options =
              FitOptions.epochs(epochs)
                  .initialEpoch(initialEpoch)
                  .batchSize(batch)
                  .seed(seed)
                  .verbose(quiet ? 2 : 1)
                  .callbacks(callbacks.toArray(Callback[]::new));
          if (validationSplit > 0) options.validationSplit(validationSplit);
          History h = net.fit(data.train(), options);
          if (h.epochs() == 0) System.out.println("no epoch ran");
        } else {
          System.out.println(
              "The checkpoint has already trained " + initialEpoch + " of " + epochs + " epochs");
        }
        Map<String, Double> result = net.evaluate(data.test(), 256);
        System.out.printf(
            Locale.ROOT,
            "Test accuracy: %.4f (loss %.4f)%n",
            result.getOrDefault("accuracy", Double.NaN),
            result.get("loss"));
        if (save != null) {
          ModelFiles.save(net, save, Map.of("dataset", dataset));
          System.out.println("Saved the model to " + save);
        }
      }
    }
    return 0;
  }

  /**
   * A resumed checkpoint keeps its own architecture and optimizer: a --model or --optimizer given
   * with it must name the same, or the run would silently train something else than asked.
   */
  private void checkResumable(Model net, Backend backend, TrainTestSplit data) throws Exception {
    if (given("--optimizer")
        && net.optimizer() != null
        && !net.optimizer().name().equalsIgnoreCase(optimizer)) {
      throw new IllegalArgumentException(
          "--optimizer "
              + optimizer
              + " conflicts with the checkpoint "
              + checkpoint
              + ", which resumes its "
              + net.optimizer().name()
              + " state; leave out --optimizer, or give a new --checkpoint file to start afresh");
    }
    if (given("--model")) {
      Map<String, Object> saved = architectureOf(net);
      Map<String, Object> asked;
      try (Model other = architecture(backend, data)) {
        asked = architectureOf(other);
      }
      if (!saved.equals(asked)) {
        throw new IllegalArgumentException(
            "--model "
                + model
                + " conflicts with the checkpoint "
                + checkpoint
                + ", which holds another architecture; leave out --model to resume it, or give a"
                + " new --checkpoint file to start afresh");
      }
    }
  }

  /** The model --model names, for the data's image size and classes. */
  private Model architecture(Backend backend, TrainTestSplit data) throws Exception {
    return Applications.has(model)
        ? CliSupport.application(model, data.train().sampleShape(), classes(data), backend, seed)
        : CliSupport.architecture(model, backend, seed);
  }

  /** A model's config without its name and seed: its class, layers and connections. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> architectureOf(Model net) {
    Map<String, Object> root = ModelConfig.of(net);
    Map<String, Object> config =
        new java.util.LinkedHashMap<>((Map<String, Object>) root.get("config"));
    config.remove("name");
    config.remove("seed");
    return Map.of("class_name", root.get("class_name"), "config", config);
  }

  /**
   * 28x28 grey images (Fashion-MNIST, MNIST) padded to 32x32, the least size of most
   * keras.applications models, with their grey value in 3 channels (1 for LeNet-5, whose paper pads
   * MNIST the same way).
   */
  private static TrainTestSplit padSmallImages(TrainTestSplit data, String model) {
    int[] shape = data.train().sampleShape();
    if (shape[0] != 28 || shape[1] != 28 || shape[2] != 1) return data;
    int channels = Applications.byName(model) instanceof LeNet5 ? 1 : 3;
    System.out.println("Padding the 28x28 grey images to 32x32x" + channels + " for " + model);
    return new TrainTestSplit(
        ResNetExample.padTo32(data.train(), channels),
        ResNetExample.padTo32(data.test(), channels));
  }

  /** The number of classes: the largest label plus one. */
  private static int classes(TrainTestSplit data) {
    float max = 0;
    for (float y : data.train().labels()) max = Math.max(max, y);
    return data.train().labelSize() == 1 ? (int) max + 1 : data.train().labelSize();
  }
}
