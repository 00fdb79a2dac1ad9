package org.cnn4j.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Row;

/**
 * Decodes one partition of the training DataFrame into a {@link Shard}: every row's sample and
 * class index, corrupt rows failing the job or left out as the user chose.
 */
final class ShardPartition implements Function2<Integer, Iterator<Row>, Iterator<Shard>> {
  private static final long serialVersionUID = 1L;

  private final SampleDecoder decoder;
  private final int labelColumn;
  private final String labelName;
  private final int[] shape;
  private final int classes;
  private final CorruptRows corrupt;

  ShardPartition(
      SampleDecoder decoder,
      int labelColumn,
      String labelName,
      int[] shape,
      int classes,
      CorruptRows corrupt) {
    this.decoder = decoder;
    this.labelColumn = labelColumn;
    this.labelName = labelName;
    this.shape = shape.clone();
    this.classes = classes;
    this.corrupt = corrupt;
  }

  @Override
  public Iterator<Shard> call(Integer partition, Iterator<Row> rows) {
    int sample = 1;
    for (int d : shape) sample *= d;
    float[] x = new float[16 * sample];
    float[] y = new float[16];
    int count = 0;
    long index = 0;
    while (rows.hasNext()) {
      Row row = rows.next();
      long at = index++;
      if (count == y.length) {
        y = Arrays.copyOf(y, 2 * y.length);
        x = Arrays.copyOf(x, 2 * x.length);
      }
      try {
        float label = label(row);
        decoder.decode(row, shape, x, count * sample);
        y[count++] = label;
      } catch (SampleDecoder.BadSample e) {
        corrupt.found(decoder.rowName(row, partition, at), e.getMessage());
      }
    }
    Shard shard =
        new Shard(
            partition, count, shape, Arrays.copyOf(x, count * sample), Arrays.copyOf(y, count));
    return List.of(shard).iterator();
  }

  private float label(Row row) throws SampleDecoder.BadSample {
    if (row.isNullAt(labelColumn)) throw new SampleDecoder.BadSample("label is null");
    Object v = row.get(labelColumn);
    if (!(v instanceof Number n)) {
      throw new SampleDecoder.BadSample(
          "label column '" + labelName + "' holds " + v.getClass().getSimpleName());
    }
    double d = n.doubleValue();
    if (d != Math.rint(d) || d < 0 || d >= classes) {
      throw new SampleDecoder.BadSample(
          "label " + v + " is not a class index of the model's " + classes + " classes");
    }
    return (float) d;
  }
}
