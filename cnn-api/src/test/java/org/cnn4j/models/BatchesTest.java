package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.data.Dataset;
import org.junit.jupiter.api.Test;

/**
 * A pass over several batches is read on a thread of its own; a pass of one batch (a prediction on
 * one sample) on the caller's, with the same batches, checks and errors.
 */
class BatchesTest {
  private static final float[] VALUES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

  @Test
  void onePassOfOneBatchIsReadOnTheCallersThread() {
    Set<Thread> readers = new HashSet<>();
    try (Batches it = new Batches(recording(readers), null, 0, 5, 5, SampleChecks.inputs("t"))) {
      Batches.Batch b = it.next();
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, b.x());
      assertNull(it.next());
    }
    assertEquals(Set.of(Thread.currentThread()), readers);
  }

  @Test
  void severalBatchesAreReadAhead() {
    Set<Thread> readers = new HashSet<>();
    try (Batches it = new Batches(recording(readers), null, 1, 4, 3, SampleChecks.inputs("t"))) {
      assertArrayEquals(new float[] {3, 4, 5, 6, 7, 8}, it.next().x());
      assertArrayEquals(new float[] {9, 10}, it.next().x());
      assertNull(it.next());
    }
    assertEquals(1, readers.size());
    assertNotSame(Thread.currentThread(), readers.iterator().next());
  }

  @Test
  void aBadSampleInTheOneBatchFailsOnNext() {
    float[] x = VALUES.clone();
    x[7] = Float.NaN;
    ArrayDataset data = ArrayDataset.of(5).input(x, 2).target(new float[5], 1);
    try (Batches it = new Batches(data, null, 0, 5, 8, SampleChecks.inputs("prediction data"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::next);
      assertTrue(e.getMessage().contains("sample 3"), e.getMessage());
      assertSame(IllegalArgumentException.class, e.getClass());
    }
  }

  /** Five samples of two values whose copies note the thread that makes them. */
  private static Dataset recording(Set<Thread> readers) {
    ArrayDataset data = ArrayDataset.of(5).input(VALUES, 2).target(new float[5], 1);
    return new Dataset() {
      @Override
      public int size() {
        return data.size();
      }

      @Override
      public int[] sampleShape() {
        return data.sampleShape();
      }

      @Override
      public int labelSize() {
        return data.labelSize();
      }

      @Override
      public void copyBatch(int[] indices, int from, int batch, float[] x, float[] y) {
        synchronized (readers) {
          readers.add(Thread.currentThread());
        }
        data.copyBatch(indices, from, batch, x, y);
      }
    };
  }
}
