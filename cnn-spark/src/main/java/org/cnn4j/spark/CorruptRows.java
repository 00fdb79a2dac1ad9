package org.cnn4j.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows a job left out as corrupt ({@link OnCorruptRow#SKIP}): how many, and the reports of the
 * first few of each task. Spark accumulators underneath, so the values are complete once the action
 * that read the rows has finished, and an action run twice counts its rows twice.
 */
public final class CorruptRows implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CorruptRows.class);

  /** Reports kept (and logged) per task; the count covers every row. */
  static final int REPORTS_PER_TASK = 10;

  private final OnCorruptRow policy;
  private final LongAccumulator count;
  private final CollectionAccumulator<String> reports;
  private transient int reportedInTask;

  private CorruptRows(OnCorruptRow policy, LongAccumulator count, CollectionAccumulator<String> r) {
    this.policy = policy;
    this.count = count;
    this.reports = r;
  }

  /** New accumulators on {@code sc}, named for the Spark UI after {@code what}. */
  static CorruptRows register(SparkContext sc, OnCorruptRow policy, String what) {
    return new CorruptRows(
        policy,
        sc.longAccumulator("cnn4j corrupt rows (" + what + ")"),
        sc.collectionAccumulator("cnn4j corrupt row reports (" + what + ")"));
  }

  /**
   * A row that cannot be decoded: throws with {@link OnCorruptRow#FAIL}; else counts it and, for
   * the first few of the task, logs and keeps its report.
   *
   * @throws CorruptRowException with FAIL
   */
  void found(String row, String reason) {
    if (policy == OnCorruptRow.FAIL) throw new CorruptRowException(row, reason);
    count.add(1);
    if (reportedInTask < REPORTS_PER_TASK) {
      reportedInTask++;
      String report = "skipped corrupt row " + row + ": " + reason;
      reports.add(report);
      LOG.warn("cnn4j: {}", report);
    }
  }

  /** What this job does with a corrupt row. */
  public OnCorruptRow policy() {
    return policy;
  }

  /** The rows left out so far. */
  public long count() {
    return count.value();
  }

  /** The reports kept: the first {@value #REPORTS_PER_TASK} of each task. */
  public List<String> reports() {
    return List.copyOf(reports.value());
  }
}
