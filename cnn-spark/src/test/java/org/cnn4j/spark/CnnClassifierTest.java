package org.cnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnn4j.conformance.Compare;
import org.cnn4j.conformance.Tolerance;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.io.Models;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Model;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training: synchronous SGD over partitions is fit with the same global batch,
 * BatchNormalization's statistics are averaged, parameter averaging on one partition is fit, a
 * killed run resumes from its checkpoint to the result of a run never killed, and corrupt rows fail
 * the job or are left out.
 */
class CnnClassifierTest {
  /** Weights after training runs that sum the same gradients in another order. */
  private static final Tolerance SUMMED = new Tolerance("SUMMED", 1e-5, 1e-4, 0);

  /** Weights of runs that take the same float operations in the same order. */
  private static final Tolerance SAME_OPERATIONS = new Tolerance("SAME_OPERATIONS", 1e-7, 0, 0);

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.session();
  }

  @Test
  void onePartitionTrainsAsFitWithTheSameBatches() {
    TrainingData data = new TrainingData(96, 1);
    List<float[]> fitted = fit(data.dataset(), FitOptions.epochs(2).batchSize(16).seed(3));
    CnnClassifier trainer = trainer().setBatchSize(16).setEpochs(2).setSeed(3);
    assertWeights(fitted, trained(trainer, data.frame(spark, 1)), SAME_OPERATIONS);
  }

  @Test
  void twoPartitionsTrainAsFitOnTheirSharesOneAfterAnother() {
    TrainingData data = new TrainingData(96, 2);
    // Without shuffling, step s takes rows 8s..8s+7 of each partition of 48: the batches a single
    // machine takes from the samples reordered that way.
    int[] order = new int[96];
    for (int s = 0, i = 0; s < 6; s++) {
      for (int p = 0; p < 2; p++) for (int r = 0; r < 8; r++) order[i++] = p * 48 + s * 8 + r;
    }
    List<float[]> fitted =
        fit(reordered(data.dataset(), order), FitOptions.epochs(2).batchSize(16).shuffle(false));
    CnnClassifier trainer = trainer().setBatchSize(16).setEpochs(2).setShuffle(false);
    assertWeights(fitted, trained(trainer, data.frame(spark, 2)), SUMMED);
  }

  @Test
  void batchNormalizationStatisticsAreThePartitionsAverage() {
    int count = 64;
    float[] x = new float[count * 8];
    for (int i = 0; i < x.length; i++) x[i] = (i * 37 % 101) / 10f + (i < x.length / 2 ? 0 : 3);
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      float[] sample = java.util.Arrays.copyOfRange(x, n * 8, n * 8 + 8);
      rows.add(RowFactory.create(sample, n % 3));
    }
    StructType schema =
        new StructType()
            .add("features", DataTypes.createArrayType(DataTypes.FloatType))
            .add("label", DataTypes.IntegerType);
    Dataset<Row> frame = TestData.frame(spark, rows, schema, 2);
    Model net =
        TestData.compiled(
            TestData.sequential(
                new Input(2, 2, 2),
                new BatchNormalization(),
                new Flatten(),
                new Dense(TestData.CLASSES, "softmax")));
    CnnClassifier trainer;
    try (net) {
      trainer = CnnClassifier.of(net);
    }
    trainer.setFeaturesCol("features").setBatchSize(count).setShuffle(false).setVerbose(0);
    try (Model trained = trainer.fit(frame).newModel()) {
      float[] mean = weight(trained, "moving_mean");
      float[] variance = weight(trained, "moving_variance");
      for (int c = 0; c < 2; c++) {
        // One step from mean 0, variance 1 with momentum 0.99: each partition's moving statistic
        // is 0.99 * old + 0.01 * its batch's, and the driver averages the two.
        double[] half0 = moments(x, 0, count / 2, c);
        double[] half1 = moments(x, count / 2, count, c);
        assertEquals(0.01 * (half0[0] + half1[0]) / 2, mean[c], 1e-5, "mean of channel " + c);
        assertEquals(0.99 + 0.01 * (half0[1] + half1[1]) / 2, variance[c], 1e-5, "variance " + c);
      }
    }
  }

  @Test
  void parameterAveragingOnOnePartitionIsFit() {
    TrainingData data = new TrainingData(96, 4);
    List<float[]> fitted = fit(data.dataset(), FitOptions.epochs(2).batchSize(16).seed(6));
    CnnClassifier trainer = trainer().setBatchSize(16).setEpochs(2).setSeed(6).setLocalSteps(4);
    assertWeights(fitted, trained(trainer, data.frame(spark, 1)), SAME_OPERATIONS);
  }

  @Test
  void parameterAveragingAveragesThePartitionsLocalTraining() {
    TrainingData data = new TrainingData(96, 5);
    // Unshuffled, a global batch of 16 takes 8 rows of each partition of 48, so each partition's
    // 6 local steps of a round are one epoch of fit on its 48 samples with batches of 8.
    List<float[]> first =
        fit(rows(data.dataset(), 0, 48), FitOptions.epochs(1).batchSize(8).shuffle(false));
    List<float[]> second =
        fit(rows(data.dataset(), 48, 96), FitOptions.epochs(1).batchSize(8).shuffle(false));
    List<float[]> average = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      float[] a = first.get(i);
      for (int j = 0; j < a.length; j++) a[j] = (a[j] * 48 + second.get(i)[j] * 48) / 96;
      average.add(a);
    }
    CnnClassifier trainer = trainer().setBatchSize(16).setShuffle(false).setLocalSteps(6);
    assertWeights(average, trained(trainer, data.frame(spark, 2)), SUMMED);
  }

  @Test
  void progressIsPrintedAsFitPrintsIt() {
    TrainingData data = new TrainingData(64, 6);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CnnClassifier trainer = trainer().setBatchSize(16).setEpochs(2).setVerbose(2);
    trainer.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    trainer.fit(data.frame(spark, 2));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertEquals("Epoch 1/2", lines.get(0));
    assertTrue(
        lines.get(1).matches("4/4 - \\d+m?s - \\d+m?s/step - accuracy: \\d\\.\\d{4} - loss: .*"),
        lines.get(1));
    assertEquals("Epoch 2/2", lines.get(2));
  }

  @Test
  void aKilledRunResumesFromItsCheckpointToTheResultOfARunNeverKilled(@TempDir Path dir)
      throws Exception {
    Path checkpoint = dir.resolve("run.cnn4j");
    Process child = childJvm(ResumableRun.class, checkpoint.toString());
    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the run stops");
    assertEquals(137, child.exitValue(), "the run halted itself after a mid-epoch checkpoint");
    Map<String, String> meta = Models.metadata(checkpoint);
    assertEquals("" + ResumableRun.HALT_EPOCH, meta.get(DataParallelTraining.EPOCH));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CnnClassifier resumed = ResumableRun.trainer(checkpoint).setVerbose(1);
    resumed.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Dataset<Row> frame = ResumableRun.data().frame(spark, 2);
    List<float[]> afterResume = trained(resumed, frame);
    String step = meta.get(DataParallelTraining.STEP);
    assertTrue(
        bytes
            .toString(StandardCharsets.UTF_8)
            .startsWith(
                "Resuming from " + checkpoint + " at epoch 2, step " + step + " of 12\nEpoch 2/3"),
        bytes.toString(StandardCharsets.UTF_8));
    List<float[]> uninterrupted = trained(ResumableRun.trainer(null), frame);
    assertWeights(uninterrupted, afterResume, SAME_OPERATIONS);
  }

  @Test
  void aCorruptTrainingRowFailsTheJobNamingTheRow() {
    Dataset<Row> frame = withLabelOutOfRange();
    var e = assertThrows(SparkException.class, () -> trainer().setBatchSize(8).fit(frame));
    CorruptRowException cause = null;
    for (Throwable t = e; t != null && cause == null; t = t.getCause()) {
      if (t instanceof CorruptRowException c) cause = c;
    }
    assertEquals("mem://img5 (partition 0, row 5)", cause.row());
    assertEquals("label 7 is not a class index of the model's 3 classes", cause.reason());
  }

  @Test
  void aCorruptTrainingRowIsLeftOutWhenAsked() {
    Dataset<Row> frame = withLabelOutOfRange();
    CnnClassifierModel trained =
        trainer().setBatchSize(8).setIdCol("id").setOnCorruptRow("skip").fit(frame);
    TrainingSummary summary = trained.trainingSummary().orElseThrow();
    assertEquals(1, summary.skippedRows());
    assertEquals(
        List.of(
            "skipped corrupt row 'id5' (partition 0, row 5): label 7 is not a class index of the"
                + " model's 3 classes"),
        summary.skippedReports());
  }

  // ---------------------------------------------------------------- helpers

  private static CnnClassifier trainer() {
    CnnClassifier c;
    try (Model initial = TrainingData.network()) {
      c = CnnClassifier.of(initial);
    }
    return c.setVerbose(0);
  }

  private static List<float[]> fit(ArrayDataset data, FitOptions options) {
    try (Model m = TrainingData.network()) {
      m.fit(data, options.verbose(0));
      return m.getWeights();
    }
  }

  private static List<float[]> trained(CnnClassifier trainer, Dataset<Row> frame) {
    try (Model m = trainer.fit(frame).newModel()) {
      return m.getWeights();
    }
  }

  private static void assertWeights(List<float[]> want, List<float[]> got, Tolerance tol) {
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++)
      Compare.close("weight " + i, got.get(i), want.get(i), tol);
  }

  private static ArrayDataset reordered(ArrayDataset data, int[] order) {
    int n = order.length;
    int sample = TestData.SIDE * TestData.SIDE;
    float[] x = new float[n * sample];
    float[] y = new float[n];
    data.copyBatch(order, 0, n, x, y);
    return ArrayDataset.of(n).input(x, TestData.SIDE, TestData.SIDE, 1).target(y, 1);
  }

  private static ArrayDataset rows(ArrayDataset data, int from, int to) {
    int[] order = new int[to - from];
    for (int i = 0; i < order.length; i++) order[i] = from + i;
    return reordered(data, order);
  }

  private static float[] weight(Model m, String name) {
    List<org.cnn4j.tensor.Parameter> params = m.parameters();
    List<float[]> values = m.getWeights();
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).name().endsWith(name)) return values.get(i);
    }
    throw new AssertionError("no weight " + name);
  }

  /** The mean and (biased) variance of channel c of samples [from, to) of 2x2x2 floats. */
  private static double[] moments(float[] x, int from, int to, int c) {
    double sum = 0;
    double squares = 0;
    int n = 0;
    for (int s = from; s < to; s++) {
      for (int px = 0; px < 4; px++) {
        double v = x[s * 8 + px * 2 + c];
        sum += v;
        squares += v * v;
        n++;
      }
    }
    double mean = sum / n;
    return new double[] {mean, squares / n - mean * mean};
  }

  private Dataset<Row> withLabelOutOfRange() {
    TrainingData data = new TrainingData(32, 7);
    data.labels[5] = 7;
    return data.frame(spark, 1);
  }

  /** {@code main} of {@code mainClass} in a JVM of its own, with this one's class path. */
  private static Process childJvm(Class<?> mainClass, String... args) throws Exception {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + Path.of("jvm.options").toAbsolutePath());
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).inheritIO().start();
  }
}
