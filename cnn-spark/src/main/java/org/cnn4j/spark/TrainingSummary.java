package org.cnn4j.spark;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a {@link CnnClassifier#fit} went: the logs of each epoch run (as fit's History), and where a
 * step's time went, as medians over the steps (milliseconds).
 *
 * @param epochs the loss and metrics of each epoch this run trained, in order
 * @param steps the steps this run took (after a resumed checkpoint's)
 * @param partitions the partitions the data was split into
 * @param skippedRows the corrupt rows left out of the training data (with "skip")
 * @param skippedReports the reports of the first of them
 * @param times where a step's time went
 */
public record TrainingSummary(
    List<Map<String, Double>> epochs,
    int steps,
    int partitions,
    long skippedRows,
    List<String> skippedReports,
    StepTimes times) {
  public TrainingSummary {
    epochs = List.copyOf(epochs);
    skippedReports = List.copyOf(skippedReports);
  }

  /**
   * Median milliseconds per step, from the driver's clock except the compute times, which the
   * executors measure around their share (weights set, forward, backward, gradients copied out).
   *
   * @param step the whole step on the driver
   * @param broadcast making the broadcast of the driver's weights
   * @param job the Spark job (treeAggregate) from submission to its result on the driver
   * @param computeMax the slowest partition's compute
   * @param computeSum all partitions' compute added (the job's floor when they share one JVM)
   * @param driver the driver's update (optimizer or averaging) and bookkeeping after the job
   */
  public record StepTimes(
      double step,
      double broadcast,
      double job,
      double computeMax,
      double computeSum,
      double driver) {
    /** The job's time not spent computing on the slowest partition: Spark's share of a step. */
    public double overhead() {
      return job - computeMax;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%.1f ms/step: broadcast %.1f, job %.1f (slowest partition computing %.1f, all"
              + " partitions %.1f, Spark overhead %.1f), driver update %.1f",
          step,
          broadcast,
          job,
          computeMax,
          computeSum,
          overhead(),
          driver);
    }
  }
}
