package org.cnn4j.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.spark.CnnClassifier;
import org.cnn4j.spark.CnnClassifierModel;
import org.cnn4j.spark.DataFrames;
import org.cnn4j.spark.TrainingSummary;

/**
 * {@code cnn4j spark bench}: a workload's inference and training through Spark next to the same
 * work on the plain backend in the same JVM, alternated (Spark, plain, Spark, plain, ...) because
 * the machine is shared, medians reported. Inference times {@code transform} written to Spark's
 * no-op sink over cached data; training times {@link CnnClassifier#fit} over one epoch of exactly
 * {@code steps} global batches and reports where a step's time went.
 */
final class SparkBench {
  private SparkBench() {}

  static int run(SparkCommand.Bench o) throws Exception {
    try (SparkSession spark = SparkJobs.session(o.master, "cnn4j spark bench")) {
      int partitions =
          o.partitions != null ? o.partitions : spark.sparkContext().defaultParallelism();
      System.out.printf(
          Locale.ROOT,
          "%s on %s, %d partitions, %d rounds alternated, medians%n",
          o.workload,
          spark.sparkContext().master(),
          partitions,
          o.reps);
      if (!o.what.equals("train")) infer(spark, o, partitions);
      if (!o.what.equals("infer")) train(spark, o, partitions);
    }
    return 0;
  }

  private static void infer(SparkSession spark, SparkCommand.Bench o, int partitions)
      throws IOException {
    int batch = o.inferBatch != null ? o.inferBatch : o.workload == Workload.W3 ? 64 : 256;
    int count = o.images != null ? o.images : o.workload == Workload.W3 ? 512 : 10_000;
    LabeledImages raw = images(o.workload, count, false);
    Dataset<Row> frame = DataFrames.of(spark, raw, partitions).persist(StorageLevel.MEMORY_ONLY());
    frame.count();
    LabeledImages scaled = raw.rescale(1f / 255);
    try (Model net = new Sequential(null, 42L, o.workload.layers())) {
      CnnClassifierModel scorer =
          CnnClassifierModel.of(net).setInputCol("image").setBatchSize(batch);
      List<Double> sparkRates = new ArrayList<>();
      List<Double> plainRates = new ArrayList<>();
      for (int r = 0; r < o.reps + 1; r++) {
        long t0 = System.nanoTime();
        scorer.transform(frame).write().format("noop").mode("overwrite").save();
        long t1 = System.nanoTime();
        net.predict(scaled, batch);
        long t2 = System.nanoTime();
        if (r == 0) continue; // warm-up: model loading, code generation, JIT
        sparkRates.add(count / ((t1 - t0) / 1e9));
        plainRates.add(count / ((t2 - t1) / 1e9));
      }
      double s = median(sparkRates);
      double p = median(plainRates);
      System.out.printf(
          Locale.ROOT,
          "inference, batch %d, %d images: Spark %.0f images/s, plain backend %.0f images/s"
              + " (Spark/plain %.2f); rounds: Spark %s, plain %s%n",
          batch,
          count,
          s,
          p,
          s / p,
          rounded(sparkRates),
          rounded(plainRates));
    }
    frame.unpersist();
  }

  private static void train(SparkSession spark, SparkCommand.Bench o, int partitions)
      throws IOException {
    int batch = o.batch;
    int steps = o.steps != null ? o.steps : o.workload == Workload.W3 ? 6 : 60;
    LabeledImages raw = images(o.workload, steps * batch, true);
    Dataset<Row> frame = DataFrames.of(spark, raw, partitions).persist(StorageLevel.MEMORY_ONLY());
    frame.count();
    LabeledImages scaled = raw.rescale(1f / 255);
    List<Double> sparkRates = new ArrayList<>();
    List<Double> plainRates = new ArrayList<>();
    List<TrainingSummary.StepTimes> times = new ArrayList<>();
    PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
    for (int r = 0; r < o.reps + 1; r++) {
      CnnClassifier trainer;
      try (Model net = compiled(o.workload)) {
        trainer = CnnClassifier.of(net);
      }
      trainer.setBatchSize(batch).setVerbose(0).setOutput(silent);
      long t0 = System.nanoTime();
      TrainingSummary summary = trainer.fit(frame).trainingSummary().orElseThrow();
      long t1 = System.nanoTime();
      try (Model net = compiled(o.workload)) {
        net.fit(scaled, FitOptions.epochs(1).batchSize(batch).verbose(0));
      }
      long t2 = System.nanoTime();
      if (r == 0) continue;
      // Steps per second over the steps alone: the median step, as fit's is timed whole.
      sparkRates.add(1000 / summary.times().step());
      plainRates.add(steps / ((t2 - t1) / 1e9));
      times.add(summary.times());
      System.out.printf(
          Locale.ROOT,
          "  round %d: fit on Spark %.1f s in all (decoding and caching the data, %d steps),"
              + " plain fit %.1f s; per step: %s%n",
          r,
          (t1 - t0) / 1e9,
          summary.steps(),
          (t2 - t1) / 1e9,
          summary.times());
    }
    double s = median(sparkRates);
    double p = median(plainRates);
    System.out.printf(
        Locale.ROOT,
        "training, global batch %d: Spark %.2f steps/s (%.0f images/s), plain fit %.2f steps/s"
            + " (%.0f images/s), Spark/plain %.2f%n",
        batch,
        s,
        s * batch,
        p,
        p * batch,
        s / p);
    frame.unpersist();
  }

  private static Model compiled(Workload w) {
    Model net = new Sequential(null, 42L, w.layers());
    net.output(new PrintStream(OutputStream.nullOutputStream()));
    net.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return net;
  }

  /**
   * Raw pixels (0..255) for the workload: Fashion-MNIST for W1 (training or test images), synthetic
   * uniform bytes with random labels (a fixed seed) for the others.
   */
  private static LabeledImages images(Workload w, int count, boolean training) throws IOException {
    if (w == Workload.W1) {
      LabeledImages all =
          training ? Datasets.fashionMnist().train() : Datasets.fashionMnist().test();
      if (count > all.count()) {
        throw new IllegalArgumentException("W1 has " + all.count() + " images, asked " + count);
      }
      return all.slice(0, count);
    }
    int[] shape =
        switch (w) {
          case W1 -> new int[] {28, 28, 1};
          case W2 -> new int[] {32, 32, 3};
          case W3 -> new int[] {224, 224, 3};
        };
    int size = shape[0] * shape[1] * shape[2];
    SplittableRandom random = new SplittableRandom(42);
    float[] x = new float[count * size];
    float[] y = new float[count];
    for (int i = 0; i < x.length; i++) x[i] = random.nextInt(256);
    for (int i = 0; i < count; i++) y[i] = random.nextInt(10);
    return new LabeledImages(x, y, count, shape[0], shape[1], shape[2]);
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String rounded(List<Double> values) {
    return Arrays.toString(values.stream().mapToLong(Math::round).toArray());
  }
}
