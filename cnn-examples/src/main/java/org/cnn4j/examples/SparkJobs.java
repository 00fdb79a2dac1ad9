package org.cnn4j.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.io.ModelFiles;
import org.cnn4j.losses.Loss;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.spark.CnnClassifier;
import org.cnn4j.spark.CnnClassifierModel;
import org.cnn4j.spark.DataFrames;
import org.cnn4j.spark.TrainingSummary;
import org.cnn4j.spi.Backend;

/** The work of {@code cnn4j spark ...}; the only class of the command line that uses Spark. */
final class SparkJobs {
  private SparkJobs() {}

  static int train(SparkCommand.Train o) throws Exception {
    try (SparkSession spark = session(o.master, "cnn4j spark train")) {
      int partitions = partitions(spark, o.partitions);
      TrainTestSplit raw = raw(o.dataset);
      Dataset<Row> train =
          o.input == null
              ? DataFrames.of(spark, raw.train(), partitions)
              : read(spark, o.input, partitions);
      CnnClassifier trainer;
      try (Backend backend = CliSupport.openBackend("");
          Model net = CliSupport.architecture(o.model, backend, o.seed)) {
        net.compile(
            Optimizer.of(o.optimizer), Loss.of("sparse_categorical_crossentropy"), "accuracy");
        if (o.checkpoint == null || !Files.isRegularFile(o.checkpoint)) net.summary();
        trainer = CnnClassifier.of(net);
      }
      trainer
          .setBatchSize(o.batch)
          .setEpochs(o.epochs)
          .setSeed(o.seed)
          .setLocalSteps(o.localSteps)
          .setOnCorruptRow(o.onCorrupt)
          .setVerbose(o.quiet ? 2 : 1);
      if (o.checkpoint != null) {
        trainer.setCheckpointPath(o.checkpoint.toString()).setCheckpointInterval(o.checkpointEvery);
      }
      System.out.printf(
          Locale.ROOT,
          "Training on %s: %d partitions, global batch %d, %s%n",
          spark.sparkContext().master(),
          train.javaRDD().getNumPartitions(),
          o.batch,
          o.localSteps > 1
              ? "parameter averaging every " + o.localSteps + " steps"
              : "synchronous SGD");
      long start = System.nanoTime();
      CnnClassifierModel trained = trainer.fit(train);
      double seconds = (System.nanoTime() - start) / 1e9;
      TrainingSummary summary = trained.trainingSummary().orElseThrow();
      System.out.printf(
          Locale.ROOT,
          "Trained %d steps in %.1f s (%.2f steps/s); per step, medians: %s%n",
          summary.steps(),
          seconds,
          summary.steps() / seconds,
          summary.times());
      try (Model net = trained.newModel()) {
        Map<String, Double> result = net.evaluate(raw.test().rescale(1f / 255), 256);
        System.out.printf(
            Locale.ROOT,
            "Test accuracy: %.4f (loss %.4f)%n",
            result.getOrDefault("accuracy", Double.NaN),
            result.get("loss"));
        if (o.save != null) {
          ModelFiles.save(net, o.save, Map.of("dataset", o.dataset));
          System.out.println("Saved the model to " + o.save);
        }
      }
    }
    return 0;
  }

  static int predict(SparkCommand.Predict o) throws Exception {
    try (SparkSession spark = session(o.master, "cnn4j spark predict")) {
      Dataset<Row> input = read(spark, o.input, partitions(spark, o.partitions));
      StructType schema = input.schema();
      boolean images = schema.apply(o.column).dataType() instanceof StructType;
      if (!List.of(schema.fieldNames()).contains("id")) {
        input =
            input.withColumn(
                "id",
                images
                    ? col(o.column + ".origin")
                    : functions.monotonically_increasing_id().cast(DataTypes.StringType));
      }
      CnnClassifierModel scorer =
          CnnClassifierModel.load(o.modelFile)
              .setInputCol(o.column)
              .setTopK(o.topK)
              .setBatchSize(o.batch)
              .setRescale(o.rescale)
              .setOnCorruptRow(o.onCorrupt)
              .setIdCol("id");
      List<org.apache.spark.sql.Column> out = new ArrayList<>();
      out.add(col("id"));
      out.add(col("prediction").cast(DataTypes.IntegerType).as("prediction"));
      out.add(col("probability"));
      boolean csv = o.output.toLowerCase(Locale.ROOT).endsWith(".csv");
      if (o.topK > 0) out.add(csv ? functions.to_json(col("topK")).as("topK") : col("topK"));
      boolean labelled = List.of(schema.fieldNames()).contains("label");
      if (labelled) out.add(col("label"));
      Dataset<Row> scored =
          scorer.transform(input).select(out.toArray(new org.apache.spark.sql.Column[0]));
      long start = System.nanoTime();
      var writer = scored.write().mode("overwrite");
      if (csv) writer.option("header", true).csv(o.output);
      else writer.parquet(o.output);
      double seconds = (System.nanoTime() - start) / 1e9;
      Dataset<Row> written =
          csv
              ? spark.read().option("header", true).option("inferSchema", true).csv(o.output)
              : spark.read().parquet(o.output);
      long count = written.count();
      System.out.printf(
          Locale.ROOT,
          "Scored %d images in %.1f s (%.0f images/s) on %s, %d partitions; wrote %s%n",
          count,
          seconds,
          count / seconds,
          spark.sparkContext().master(),
          input.javaRDD().getNumPartitions(),
          o.output);
      long skipped = scorer.corruptRows().map(c -> c.count()).orElse(0L);
      if (skipped > 0) {
        System.out.println(
            "Left out "
                + skipped
                + " corrupt input rows; the first: "
                + scorer.corruptRows().orElseThrow().reports().get(0));
      }
      if (labelled) {
        Row acc =
            written
                .filter(col("label").isNotNull())
                .agg(functions.avg(col("prediction").equalTo(col("label")).cast("double")))
                .first();
        if (!acc.isNullAt(0)) {
          System.out.printf(Locale.ROOT, "Accuracy against the labels: %.4f%n", acc.getDouble(0));
        }
      }
    }
    return 0;
  }

  static int export(SparkCommand.Export o) throws Exception {
    TrainTestSplit raw = raw(o.dataset);
    LabeledImages data = o.split.equals("train") ? raw.train() : raw.test();
    if (o.format.equals("png")) {
      writePngs(data, o.output);
    } else {
      try (SparkSession spark = session(o.master, "cnn4j spark export")) {
        DataFrames.of(spark, data, partitions(spark, o.partitions))
            .write()
            .mode("overwrite")
            .parquet(o.output.toString());
      }
    }
    System.out.println(
        "Wrote the "
            + data.count()
            + " "
            + o.split
            + " images of "
            + o.dataset
            + " to "
            + o.output);
    return 0;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The session: the master given, else spark-submit's, else all local cores. Locally the UI is off
   * (no port to bind, nothing to look at in a short run).
   */
  static SparkSession session(String master, String name) {
    SparkSession.Builder b = SparkSession.builder().appName(name);
    String chosen = master != null ? master : new SparkConf().get("spark.master", "local[*]");
    b.master(chosen);
    if (chosen.startsWith("local")) b.config("spark.ui.enabled", "false");
    return b.getOrCreate();
  }

  private static int partitions(SparkSession spark, Integer asked) {
    return asked != null ? asked : spark.sparkContext().defaultParallelism();
  }

  /** A data set by name with its raw pixels (0..255): the Spark readers rescale them. */
  private static TrainTestSplit raw(String name) throws IOException {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "fashion-mnist", "fashion_mnist" -> Datasets.fashionMnist();
      case "mnist" -> Datasets.mnist();
      case "cifar10", "cifar-10" -> Datasets.cifar10();
      default ->
          throw new IllegalArgumentException(
              "unknown data set '" + name + "'; expected one of " + CliSupport.DATASETS);
    };
  }

  /**
   * Parquet (a path ending in .parquet, or a folder holding .parquet files), else a folder of
   * images read by Spark's image source with a label from each image's folder when it is a class
   * index; in {@code partitions} partitions (images come in many small ones).
   */
  private static Dataset<Row> read(SparkSession spark, String path, int partitions)
      throws IOException {
    Path local = Path.of(path);
    boolean parquet =
        path.endsWith(".parquet")
            || (Files.isDirectory(local)
                && Files.list(local).anyMatch(f -> f.toString().endsWith(".parquet")));
    if (parquet) {
      Dataset<Row> table = spark.read().parquet(path);
      return table.javaRDD().getNumPartitions() == partitions
          ? table
          : table.repartition(partitions);
    }
    Dataset<Row> images =
        spark.read().format("image").option("recursiveFileLookup", "true").load(path);
    Dataset<Row> labelled =
        images.withColumn(
            "label",
            functions
                .when(
                    regexp_extract(col("image.origin"), "/([0-9]+)/[^/]+$", 1).notEqual(""),
                    regexp_extract(col("image.origin"), "/([0-9]+)/[^/]+$", 1))
                .cast(DataTypes.IntegerType));
    return labelled.coalesce(partitions);
  }

  /** Each image as a PNG file in a folder named by its class index: {@code out/3/00017.png}. */
  private static void writePngs(LabeledImages data, Path out) throws IOException {
    int h = data.height();
    int w = data.width();
    int c = data.channels();
    if (c != 1 && c != 3) throw new IllegalArgumentException("images of " + c + " channels");
    float[] x = data.images();
    int size = data.imageSize();
    for (int n = 0; n < data.count(); n++) {
      BufferedImage img =
          new BufferedImage(
              w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int o = n * size + (y * w + xx) * c;
          if (c == 1) {
            img.getRaster().setSample(xx, y, 0, (int) x[o]);
          } else {
            img.setRGB(xx, y, ((int) x[o] << 16) | ((int) x[o + 1] << 8) | (int) x[o + 2]);
          }
        }
      }
      Path dir = out.resolve(Integer.toString((int) data.labels()[n]));
      Files.createDirectories(dir);
      ImageIO.write(img, "png", dir.resolve(String.format(Locale.ROOT, "%05d.png", n)).toFile());
    }
  }
}
