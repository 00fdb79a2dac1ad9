package org.cnn4j.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnn4j spark train|predict|export}: cnn4j on Apache Spark (module cnn-spark). This class
 * and its options use no Spark type, so the rest of the command line runs without Spark on the
 * class path; the work is in {@link SparkJobs}, loaded only when one of these runs. The {@code
 * cnn4j} launcher adds Spark's jars for {@code cnn4j spark} only; under {@code spark-submit} the
 * cluster's Spark is there.
 */
@Command(
    name = "spark",
    mixinStandardHelpOptions = true,
    description = {
      "Train or score on Apache Spark: data-parallel training (synchronous SGD over partitions) and"
          + " batch inference.",
      "Locally with --master 'local[N]'; on a cluster through spark-submit (README: On a cluster)."
    },
    subcommands = {
      SparkCommand.Train.class,
      SparkCommand.Predict.class,
      SparkCommand.Export.class,
      SparkCommand.Bench.class
    })
final class SparkCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Options every Spark command takes. */
  static class SessionOptions {
    @Option(
        names = "--master",
        description = "Spark master, e.g. 'local[2]' (default: spark-submit's, else local[*])")
    String master;

    @Option(
        names = "--partitions",
        description = "partitions of the data (default: Spark's default parallelism)")
    Integer partitions;
  }

  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description = {
        "Train a network on a data set across the partitions of a Spark job and print the test"
            + " accuracy (evaluated on the driver).",
        "Synchronous SGD: each step the partitions compute the gradient of their share of the"
            + " global batch (--batch) and the driver applies the sum, so this is fit with that"
            + " batch. --local-steps k > 1 averages the partitions' models every k steps instead"
            + " (a different algorithm). With --checkpoint the run resumes from the file when it"
            + " exists."
      })
  static final class Train extends SessionOptions implements Callable<Integer> {
    @Option(
        names = "--model",
        defaultValue = "lesson",
        paramLabel = "ARCH",
        description =
            "lesson, cifar, w3, resnet20, or a JSON architecture (default ${DEFAULT-VALUE})")
    String model;

    @Option(
        names = "--dataset",
        defaultValue = "fashion-mnist",
        description =
            "fashion-mnist, mnist or cifar10: training images from here, and the test images"
                + " (default ${DEFAULT-VALUE})")
    String dataset;

    @Option(
        names = "--input",
        paramLabel = "PATH",
        description =
            "train on this instead: Parquet (columns image, label) or a folder of class folders"
                + " named by class index, as `spark export` writes them")
    String input;

    @Option(
        names = "--epochs",
        defaultValue = "2",
        description = "epochs in all (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(
        names = "--batch",
        defaultValue = "128",
        description = "global batch size over all partitions (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
        names = "--optimizer",
        defaultValue = "adam",
        description = "sgd, adam, adamw or rmsprop (default ${DEFAULT-VALUE})")
    String optimizer;

    @Option(
        names = "--seed",
        defaultValue = "42",
        description = "seed of the weights, shuffling and dropout (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--local-steps",
        defaultValue = "1",
        description =
            "1: synchronous SGD; k > 1: parameter averaging every k steps (default ${DEFAULT-VALUE})")
    int localSteps;

    @Option(
        names = "--checkpoint",
        paramLabel = "FILE",
        description = "checkpoint to this model file; resume from it when it exists")
    Path checkpoint;

    @Option(
        names = "--checkpoint-every",
        defaultValue = "0",
        paramLabel = "STEPS",
        description = "also checkpoint every this many steps (default: at epoch ends only)")
    int checkpointEvery;

    @Option(names = "--save", paramLabel = "FILE", description = "save the trained model here")
    Path save;

    @Option(
        names = "--on-corrupt",
        defaultValue = "fail",
        description = "fail or skip a row that cannot be read (default ${DEFAULT-VALUE})")
    String onCorrupt;

    @Option(names = "--quiet", description = "one line per epoch instead of the progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      OptionChecks.atLeast("--epochs", epochs, 1);
      OptionChecks.atLeast("--batch", batch, 1);
      OptionChecks.atLeast("--local-steps", localSteps, 1);
      OptionChecks.atLeast("--checkpoint-every", checkpointEvery, 0);
      if (partitions != null) OptionChecks.atLeast("--partitions", partitions, 1);
      return withSpark(() -> SparkJobs.train(this));
    }
  }

  @Command(
      name = "predict",
      mixinStandardHelpOptions = true,
      description = {
        "Score images with a saved model on Spark and write the predictions (Parquet, or CSV for"
            + " a path ending in .csv): the input's id (an image's origin, else its row), the"
            + " predicted class, its probability, the top-k, and the label when the input has one.",
        "Input: a folder of images (read by Spark's image source, recursively) or Parquet with a"
            + " binary or image column."
      })
  static final class Predict extends SessionOptions implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a cnn4j model file")
    Path modelFile;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "PATH",
        description = "a folder of images, or Parquet")
    String input;

    @Option(
        names = "--output",
        required = true,
        paramLabel = "PATH",
        description = "where to write the predictions (a folder, as Spark writes)")
    String output;

    @Option(
        names = "--column",
        description = "the input column (default: image)",
        defaultValue = "image")
    String column;

    @Option(
        names = "--top-k",
        defaultValue = "3",
        description = "classes in the top-k column (default ${DEFAULT-VALUE})")
    int topK;

    @Option(
        names = "--batch",
        defaultValue = "256",
        description = "images per model call on an executor (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
        names = "--rescale",
        defaultValue = "0.00392156862745098",
        description = "factor applied to pixel bytes (default 1/255, as cnn4j train scales)")
    double rescale;

    @Option(
        names = "--on-corrupt",
        defaultValue = "fail",
        description =
            "fail, or skip (and count) an image that cannot be read or has another size"
                + " (default ${DEFAULT-VALUE})")
    String onCorrupt;

    @Override
    public Integer call() throws Exception {
      OptionChecks.atLeast("--top-k", topK, 0);
      OptionChecks.atLeast("--batch", batch, 1);
      if (partitions != null) OptionChecks.atLeast("--partitions", partitions, 1);
      return withSpark(() -> SparkJobs.predict(this));
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Write a data set's images as Parquet (columns image: pixel bytes, label) or as PNG"
              + " files in one folder per class index, for `spark train --input` and `spark"
              + " predict --input`.")
  static final class Export extends SessionOptions implements Callable<Integer> {
    @Option(
        names = "--dataset",
        defaultValue = "fashion-mnist",
        description = "fashion-mnist, mnist or cifar10 (default ${DEFAULT-VALUE})")
    String dataset;

    @Option(
        names = "--split",
        defaultValue = "test",
        description = "train or test (default ${DEFAULT-VALUE})")
    String split;

    @Option(
        names = "--format",
        defaultValue = "parquet",
        description = "parquet or png (default ${DEFAULT-VALUE})")
    String format;

    @Option(
        names = "--output",
        required = true,
        paramLabel = "PATH",
        description = "the folder to write")
    Path output;

    @Override
    public Integer call() throws Exception {
      if (!split.equals("train") && !split.equals("test")) {
        throw new IllegalArgumentException("--split: expected train or test, got '" + split + "'");
      }
      if (!format.equals("parquet") && !format.equals("png")) {
        throw new IllegalArgumentException(
            "--format: expected parquet or png, got '" + format + "'");
      }
      return withSpark(() -> SparkJobs.export(this));
    }
  }

  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description =
          "Inference images/s and training steps/s of workload W1, W2 or W3 through Spark next to"
              + " the plain backend in the same JVM (alternated rounds, medians), and where a"
              + " training step's time goes.")
  static final class Bench extends SessionOptions implements Callable<Integer> {
    @Option(
        names = "--workload",
        defaultValue = "W1",
        description = "W1, W2 or W3 (default ${DEFAULT-VALUE})")
    Workload workload;

    @Option(
        names = "--what",
        defaultValue = "both",
        description = "infer, train or both (default ${DEFAULT-VALUE})")
    String what;

    @Option(
        names = "--batch",
        defaultValue = "128",
        description = "global training batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", description = "training steps timed (default: W1 60, W3 6)")
    Integer steps;

    @Option(names = "--images", description = "images scored (default: W1 10000, W3 512)")
    Integer images;

    @Option(names = "--infer-batch", description = "inference batch (default 256, W3 64)")
    Integer inferBatch;

    @Option(
        names = "--reps",
        defaultValue = "3",
        description = "timed rounds after a warm-up round (default ${DEFAULT-VALUE})")
    int reps;

    @Override
    public Integer call() throws Exception {
      OptionChecks.atLeast("--batch", batch, 1);
      OptionChecks.atLeast("--reps", reps, 1);
      if (steps != null) OptionChecks.atLeast("--steps", steps, 1);
      if (images != null) OptionChecks.atLeast("--images", images, 1);
      if (inferBatch != null) OptionChecks.atLeast("--infer-batch", inferBatch, 1);
      if (!List.of("infer", "train", "both").contains(what)) {
        throw new IllegalArgumentException("--what: expected infer, train or both, got " + what);
      }
      return withSpark(() -> SparkBench.run(this));
    }
  }

  /** Runs a job, turning Spark missing from the class path into a message saying what to do. */
  static Integer withSpark(Callable<Integer> job) throws Exception {
    try {
      return job.call();
    } catch (NoClassDefFoundError e) {
      String missing = String.valueOf(e.getMessage());
      if (!missing.startsWith("org/apache/spark") && !missing.startsWith("scala/")) throw e;
      throw new IllegalStateException(
          "Apache Spark is not on the class path ("
              + missing
              + " is missing): run `./cnn4j spark ...`, which adds it, or spark-submit",
          e);
    }
  }
}
