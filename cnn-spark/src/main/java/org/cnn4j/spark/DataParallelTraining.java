package org.cnn4j.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.cnn4j.io.ModelFiles;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;
import org.cnn4j.models.ProgressBar;
import org.cnn4j.tensor.Parameter;

/**
 * The driver's side of {@link CnnClassifier#fit}: decodes the DataFrame into cached {@link Shard}s
 * once, then runs one Spark job per step (per round of k local steps with parameter averaging):
 * broadcast the driver model's state, {@code treeAggregate} the partitions' {@link ShareStep}
 * results, apply them to the driver model. Prints fit's progress line, checkpoints through model
 * files, and resumes from a checkpoint at the step it was written after.
 */
final class DataParallelTraining {
  /** Metadata keys of a checkpoint: where the run stands and how it split the data. */
  static final String EPOCH = "cnn4j.spark.epoch";

  static final String STEP = "cnn4j.spark.step";
  static final String BATCH = "cnn4j.spark.batch_size";
  static final String PARTITIONS = "cnn4j.spark.partition_sizes";

  /** The estimator's settings for one run. */
  record Settings(
      String featuresCol,
      String labelCol,
      String idCol,
      float rescale,
      OnCorruptRow onCorruptRow,
      int batchSize,
      int epochs,
      long seed,
      boolean shuffle,
      int localSteps,
      Path checkpoint,
      int checkpointInterval,
      int verbose,
      PrintStream out) {}

  /** The trained model file, how the run went, and the rows it left out. */
  record Result(byte[] modelFile, TrainingSummary summary, CorruptRows corruptRows) {}

  private final Settings s;

  DataParallelTraining(Settings settings) {
    this.s = settings;
  }

  Result run(Dataset<Row> data, byte[] initialFile) {
    boolean resume = s.checkpoint() != null && Files.isRegularFile(s.checkpoint());
    byte[] startFile = resume ? read(s.checkpoint()) : initialFile;
    try (Model model = ExecutorModels.load(startFile)) {
      if (model.optimizer() == null || model.loss() == null) {
        throw new IllegalArgumentException(
            "model '"
                + model.name()
                + "' is not compiled: compile it (optimizer, loss, metrics) before saving it for"
                + " training");
      }
      model.output(s.out());
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
      CorruptRows corrupt =
          CorruptRows.register(jsc.sc(), s.onCorruptRow(), "training data of " + model.name());
      JavaRDD<Shard> shards = shards(data, model, corrupt);
      try {
        int[] sizes = partitionSizes(shards);
        reportSkipped(corrupt);
        BatchSchedule schedule = new BatchSchedule(sizes, s.batchSize());
        if (s.batchSize() < sizes.length) {
          throw new IllegalArgumentException(
              "the global batch size "
                  + s.batchSize()
                  + " is smaller than the "
                  + sizes.length
                  + " partitions: give a larger batch size or fewer partitions");
        }
        int[] start = resume ? resumePoint(model, schedule) : new int[] {0, 0};
        Broadcast<byte[]> file = jsc.broadcast(startFile);
        try {
          String key = "train:" + UUID.randomUUID();
          TrainingSummary summary = loop(jsc, shards, schedule, model, file, key, start, corrupt);
          return new Result(ModelBytes.of(model), summary, corrupt);
        } finally {
          file.destroy();
        }
      } finally {
        shards.unpersist(false);
      }
    }
  }

  private JavaRDD<Shard> shards(Dataset<Row> data, Model model, CorruptRows corrupt) {
    StructType schema = data.schema();
    for (String column : List.of(s.featuresCol(), s.labelCol())) {
      if (!List.of(schema.fieldNames()).contains(column)) {
        throw new IllegalArgumentException(
            "no column '" + column + "'; the columns are " + List.of(schema.fieldNames()));
      }
    }
    int id = s.idCol().isEmpty() ? -1 : schema.fieldIndex(s.idCol());
    SampleDecoder decoder = new SampleDecoder(schema, s.featuresCol(), id, s.rescale());
    ShardPartition decode =
        new ShardPartition(
            decoder,
            schema.fieldIndex(s.labelCol()),
            s.labelCol(),
            model.inputShape().dims(),
            (int) model.outputShape().size(),
            corrupt);
    JavaRDD<Shard> shards =
        data.toDF()
            .javaRDD()
            .mapPartitionsWithIndex(decode, true)
            .persist(StorageLevel.MEMORY_AND_DISK());
    // Cut the lineage once the shards are cached (a local checkpoint): every step's tasks would
    // otherwise carry the partitions of the RDDs the data came from, and a DataFrame made from
    // driver memory (createDataFrame of a list) holds its rows there: 24 MB per Fashion-MNIST task,
    // 350 ms of every step. The price: an executor lost for good loses its shards and fails the
    // job, which a checkpointed run then resumes.
    shards.rdd().localCheckpoint();
    return shards;
  }

  /** Decodes and caches every partition (one job) and returns their sizes by partition index. */
  private static int[] partitionSizes(JavaRDD<Shard> shards) {
    List<int[]> counted = shards.map(sh -> new int[] {sh.partition(), sh.count()}).collect();
    int[] sizes = new int[counted.size()];
    for (int[] c : counted) sizes[c[0]] = c[1];
    return sizes;
  }

  private void reportSkipped(CorruptRows corrupt) {
    long skipped = corrupt.count();
    if (skipped > 0 && s.verbose() > 0) {
      s.out()
          .println(
              "Left out "
                  + skipped
                  + " corrupt row"
                  + (skipped == 1 ? "" : "s")
                  + " of the training data; the first: "
                  + corrupt.reports().get(0));
    }
  }

  /** The epoch and step a checkpoint was written before, and a word when the data is split anew. */
  private int[] resumePoint(Model model, BatchSchedule schedule) {
    Map<String, String> meta = metadata(s.checkpoint());
    int epoch = Integer.parseInt(meta.getOrDefault(EPOCH, "" + model.epochsTrained()));
    int step = Integer.parseInt(meta.getOrDefault(STEP, "0"));
    if (s.verbose() > 0) {
      s.out()
          .println(
              "Resuming from "
                  + s.checkpoint()
                  + " at epoch "
                  + (epoch + 1)
                  + ", step "
                  + step
                  + " of "
                  + schedule.stepsPerEpoch());
    }
    String sizes = Arrays.toString(schedule.sizes());
    boolean sameSplit =
        String.valueOf(schedule.batchSize()).equals(meta.get(BATCH))
            && sizes.equals(meta.get(PARTITIONS));
    if (meta.containsKey(STEP) && !sameSplit && s.verbose() > 0) {
      s.out()
          .println(
              "Note: the checkpoint was written with batch size "
                  + meta.get(BATCH)
                  + " and partition sizes "
                  + meta.get(PARTITIONS)
                  + "; this run has "
                  + schedule.batchSize()
                  + " and "
                  + sizes
                  + ", so its remaining batches differ from the interrupted run's");
    }
    return new int[] {epoch, Math.min(step, schedule.stepsPerEpoch())};
  }

  private TrainingSummary loop(
      JavaSparkContext jsc,
      JavaRDD<Shard> shards,
      BatchSchedule schedule,
      Model model,
      Broadcast<byte[]> file,
      String key,
      int[] start,
      CorruptRows corrupt) {
    boolean averaging = s.localSteps() > 1;
    int steps = schedule.stepsPerEpoch();
    PrintStream out = s.out();
    boolean interactive = System.console() != null && out == System.out;
    int[] frozen = DriverState.nonTrainableIndices(model);
    List<Parameter> parameters = model.parameters();
    List<Map<String, Double>> epochLogs = new ArrayList<>();
    Timings timings = new Timings();
    int stepsRun = 0;
    for (int epoch = start[0]; epoch < s.epochs(); epoch++) {
      int first = epoch == start[0] ? start[1] : 0;
      if (s.verbose() > 0) out.println("Epoch " + (epoch + 1) + "/" + s.epochs());
      ProgressBar bar = new ProgressBar(out, steps, s.verbose(), interactive);
      Map<String, Double> sums = new LinkedHashMap<>();
      long rows = 0;
      Map<String, Double> running = new LinkedHashMap<>();
      int lastCheckpoint = first;
      for (int step = first; step < steps; step += s.localSteps()) {
        long t0 = System.nanoTime();
        Broadcast<DriverState> state = jsc.broadcast(DriverState.of(model, averaging));
        long t1 = System.nanoTime();
        ShareStep share =
            new ShareStep(
                key, file, state, schedule, epoch, step, s.localSteps(), s.seed(), s.shuffle());
        StepResult r;
        try {
          r = shards.treeAggregate(new StepResult(), share, StepResult::merge);
        } finally {
          state.destroy();
        }
        long t2 = System.nanoTime();
        int done = Math.min(step + s.localSteps(), steps);
        if (r.rows > 0) {
          double penalty = averaging ? 0 : update(model, r, frozen, parameters);
          if (averaging) average(model, r, done - step);
          r.logSums.forEach((k, v) -> sums.merge(k, v, Double::sum));
          sums.merge("loss", penalty * r.rows, Double::sum);
          rows += r.rows;
        }
        stepsRun += done - step;
        running.clear();
        for (var e : sums.entrySet()) running.put(e.getKey(), e.getValue() / Math.max(rows, 1));
        bar.update(done, running);
        if (s.checkpoint() != null
            && s.checkpointInterval() > 0
            && done < steps
            && done - lastCheckpoint >= s.checkpointInterval()) {
          checkpoint(model, schedule, epoch, done);
          lastCheckpoint = done;
        }
        long t3 = System.nanoTime();
        timings.add(t0, t1, t2, t3, r, done - step);
      }
      model.epochsTrained(epoch + 1);
      bar.finish(running);
      epochLogs.add(Map.copyOf(running));
      if (s.checkpoint() != null) checkpoint(model, schedule, epoch + 1, 0);
    }
    return new TrainingSummary(
        epochLogs,
        stepsRun,
        schedule.partitions(),
        corrupt.count(),
        corrupt.reports(),
        timings.medians());
  }

  /** Synchronous SGD's update: the summed gradient through the optimizer, state averaged. */
  private static double update(Model model, StepResult r, int[] frozen, List<Parameter> params) {
    double penalty = model.applyGradients(Arrays.asList(r.gradients));
    for (int i = 0; i < frozen.length; i++) {
      float[] v = r.weightedValues[i];
      for (int j = 0; j < v.length; j++) v[j] /= r.rows;
      Parameter p = params.get(frozen[i]);
      model.backend().upload(v, 0, p.value().buffer(), 0, v.length);
    }
    return penalty;
  }

  /** Parameter averaging's update: weights and optimizer slots averaged over the rows trained. */
  private static void average(Model model, StepResult r, int stepsTaken) {
    for (float[] v : r.weightedValues) for (int j = 0; j < v.length; j++) v[j] /= r.rows;
    model.setWeights(Arrays.asList(r.weightedValues));
    for (float[][] slots : r.weightedSlots) {
      for (float[] v : slots) for (int j = 0; j < v.length; j++) v[j] /= r.rows;
    }
    DriverState.restoreSlots(model, model.optimizer().iterations() + stepsTaken, r.weightedSlots);
  }

  private void checkpoint(Model model, BatchSchedule schedule, int epoch, int step) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(EPOCH, Integer.toString(epoch));
    meta.put(STEP, Integer.toString(step));
    meta.put(BATCH, Integer.toString(schedule.batchSize()));
    meta.put(PARTITIONS, Arrays.toString(schedule.sizes()));
    try {
      ModelFiles.save(model, s.checkpoint(), meta);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + s.checkpoint(), e);
    }
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint " + path, e);
    }
  }

  private static Map<String, String> metadata(Path path) {
    try {
      return Models.metadata(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint " + path, e);
    }
  }

  /** Per-step times, in milliseconds, for the medians of {@link TrainingSummary.StepTimes}. */
  private static final class Timings {
    final List<double[]> rows = new ArrayList<>();

    void add(long t0, long t1, long t2, long t3, StepResult r, int stepsTaken) {
      double per = 1e6 * stepsTaken;
      rows.add(
          new double[] {
            (t3 - t0) / per,
            (t1 - t0) / per,
            (t2 - t1) / per,
            r.computeNanosMax / per,
            r.computeNanosSum / per,
            (t3 - t2) / per
          });
    }

    TrainingSummary.StepTimes medians() {
      double[] m = new double[6];
      for (int c = 0; c < m.length; c++) {
        int col = c;
        double[] v = rows.stream().mapToDouble(row -> row[col]).sorted().toArray();
        m[c] = v.length == 0 ? 0 : v[v.length / 2];
      }
      return new TrainingSummary.StepTimes(m[0], m[1], m[2], m[3], m[4], m[5]);
    }
  }
}
