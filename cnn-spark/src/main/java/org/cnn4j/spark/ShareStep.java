package org.cnn4j.spark;

import java.util.Map;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Model;

/**
 * One partition's part of a step, run where its {@link Shard} is cached, on the executor's model
 * ({@link ExecutorModels}) set to the broadcast driver state:
 *
 * <ul>
 *   <li>synchronous SGD ({@code localSteps == 1}): the gradient of the partition's share of the
 *       global batch, scaled by 1 / (global batch rows) so the partitions' gradients add up to the
 *       batch's; plus the non-trainable state after the pass (BatchNormalization's moving
 *       statistics) times its rows, to be averaged.
 *   <li>parameter averaging ({@code localSteps = k > 1}): k steps of local training on the
 *       partition's shares of the next k global batches, with the executor's own copy of the
 *       optimizer; then every weight and optimizer slot times the rows trained, to be averaged.
 * </ul>
 */
final class ShareStep implements Function2<StepResult, Shard, StepResult> {
  private static final long serialVersionUID = 1L;

  private final String modelKey;
  private final Broadcast<byte[]> modelFile;
  private final Broadcast<DriverState> state;
  private final BatchSchedule schedule;
  private final int epoch;
  private final int step;
  private final int localSteps;
  private final long seed;
  private final boolean shuffle;

  ShareStep(
      String modelKey,
      Broadcast<byte[]> modelFile,
      Broadcast<DriverState> state,
      BatchSchedule schedule,
      int epoch,
      int step,
      int localSteps,
      long seed,
      boolean shuffle) {
    this.modelKey = modelKey;
    this.modelFile = modelFile;
    this.state = state;
    this.schedule = schedule;
    this.epoch = epoch;
    this.step = step;
    this.localSteps = localSteps;
    this.seed = seed;
    this.shuffle = shuffle;
  }

  @Override
  public StepResult call(StepResult sum, Shard shard) {
    return sum.merge(localSteps == 1 ? gradient(shard) : averaged(shard));
  }

  private StepResult gradient(Shard shard) {
    int p = shard.partition();
    int from = schedule.from(p, step);
    int to = schedule.to(p, step);
    StepResult r = new StepResult();
    if (from == to) return r;
    ArrayDataset rows = shard.rows(shard.order(seed, epoch, shuffle), from, to);
    return ExecutorModels.use(
        modelKey,
        modelFile::value,
        m -> {
          long start = System.nanoTime();
          state.value().applyTo(m);
          Map<String, Double> logs =
              m.computeGradients(
                  rows,
                  schedule.firstRow(p, step),
                  schedule.batchRows(step),
                  FitOptions.stepSeed(seed, epoch, step));
          r.gradients = m.getGradients().toArray(float[][]::new);
          r.weightedValues = DriverState.nonTrainableValues(m, to - from);
          r.rows = to - from;
          r.addLogs(logs, to - from, 0);
          timed(r, start);
          return r;
        });
  }

  private StepResult averaged(Shard shard) {
    int p = shard.partition();
    int[] order = shard.order(seed, epoch, shuffle);
    StepResult r = new StepResult();
    return ExecutorModels.use(
        modelKey,
        modelFile::value,
        m -> {
          long start = System.nanoTime();
          state.value().applyTo(m);
          int last = Math.min(step + localSteps, schedule.stepsPerEpoch());
          for (int s = step; s < last; s++) {
            int from = schedule.from(p, s);
            int to = schedule.to(p, s);
            if (from == to) continue;
            Map<String, Double> logs =
                m.computeGradients(
                    shard.rows(order, from, to), 0, to - from, FitOptions.stepSeed(seed, epoch, s));
            double penalty = m.applyGradients(m.getGradients());
            r.addLogs(logs, to - from, penalty);
            r.rows += to - from;
          }
          if (r.rows > 0) {
            r.weightedValues = StepResult.weighted(m.getWeights(), r.rows);
            r.weightedSlots = slots(m, r.rows);
          }
          timed(r, start);
          return r;
        });
  }

  private static float[][][] slots(Model m, long weight) {
    var trainable = m.trainableParameters();
    float[][][] out = new float[trainable.size()][][];
    for (int i = 0; i < out.length; i++) {
      var param = trainable.get(i);
      float[][] v = m.optimizer().slotValues(m.backend(), param);
      if (v == null) v = new float[m.optimizer().slotsPerParameter()][(int) param.shape().size()];
      out[i] = StepResult.weighted(java.util.Arrays.asList(v), weight);
    }
    return out;
  }

  private static void timed(StepResult r, long start) {
    long nanos = System.nanoTime() - start;
    r.computeNanosMax = nanos;
    r.computeNanosSum = nanos;
  }
}
