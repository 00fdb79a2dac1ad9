package org.cnn4j.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.cnn4j.data.ArrayDataset;

/**
 * Scores one partition: reads rows in batches, decodes their samples, runs the executor's model
 * ({@link ExecutorModels}) on each batch and appends the prediction columns to each row. Lazy: it
 * holds one batch of rows at a time, so a partition of any size streams through.
 */
final class PredictPartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final String modelKey;
  private final Broadcast<byte[]> modelFile;
  private final SampleDecoder decoder;
  private final int batchSize;
  private final int topK;
  private final CorruptRows corrupt;

  PredictPartition(
      String modelKey,
      Broadcast<byte[]> modelFile,
      SampleDecoder decoder,
      int batchSize,
      int topK,
      CorruptRows corrupt) {
    this.modelKey = modelKey;
    this.modelFile = modelFile;
    this.decoder = decoder;
    this.batchSize = batchSize;
    this.topK = topK;
    this.corrupt = corrupt;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    int partition = TaskContext.getPartitionId();
    int[][] shapes =
        ExecutorModels.use(
            modelKey,
            modelFile::value,
            m -> new int[][] {m.inputShape().dims(), new int[] {(int) m.outputShape().size()}});
    int[] shape = shapes[0];
    int classes = shapes[1][0];
    int sample = 1;
    for (int d : shape) sample *= d;
    int sampleSize = sample;
    return new Iterator<>() {
      private final ArrayDeque<Row> ready = new ArrayDeque<>();
      private final float[] x = new float[batchSize * sampleSize];
      private long index;

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && rows.hasNext()) nextBatch();
        return !ready.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        return ready.poll();
      }

      private void nextBatch() {
        List<Row> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && rows.hasNext()) {
          Row row = rows.next();
          long at = index++;
          try {
            decoder.decode(row, shape, x, batch.size() * sampleSize);
            batch.add(row);
          } catch (SampleDecoder.BadSample e) {
            corrupt.found(decoder.rowName(row, partition, at), e.getMessage());
          }
        }
        if (batch.isEmpty()) return;
        int n = batch.size();
        float[] input = n == batchSize ? x : java.util.Arrays.copyOf(x, n * sampleSize);
        float[] p =
            ExecutorModels.use(
                modelKey,
                modelFile::value,
                m -> m.predict(ArrayDataset.of(n).input(input, shape), batchSize).values());
        for (int i = 0; i < n; i++) ready.add(scored(batch.get(i), p, i * classes, classes));
      }
    };
  }

  /** The row with the class of highest score, its score and, with top-k, the k best. */
  private Row scored(Row row, float[] p, int from, int classes) {
    int best = 0;
    for (int c = 1; c < classes; c++) if (p[from + c] > p[from + best]) best = c;
    int extra = topK > 0 ? 3 : 2;
    Object[] values = new Object[row.length() + extra];
    for (int i = 0; i < row.length(); i++) values[i] = row.get(i);
    values[row.length()] = (double) best;
    values[row.length() + 1] = (double) p[from + best];
    if (topK > 0) values[row.length() + 2] = TopK.of(p, from, classes, topK);
    return RowFactory.create(values);
  }

  /**
   * The k best classes of one row of scores, best first, as rows (index, probability): an array,
   * which Spark's row encoder takes for an array column (a Java list it does not).
   */
  static final class TopK {
    private TopK() {}

    static Row[] of(float[] p, int from, int classes, int k) {
      int n = Math.min(k, classes);
      int[] chosen = new int[n];
      boolean[] taken = new boolean[classes];
      for (int j = 0; j < n; j++) {
        int best = -1;
        for (int c = 0; c < classes; c++) {
          if (!taken[c] && (best < 0 || p[from + c] > p[from + best])) best = c;
        }
        taken[best] = true;
        chosen[j] = best;
      }
      Row[] out = new Row[n];
      for (int j = 0; j < n; j++)
        out[j] = RowFactory.create(chosen[j], (double) p[from + chosen[j]]);
      return out;
    }
  }
}
