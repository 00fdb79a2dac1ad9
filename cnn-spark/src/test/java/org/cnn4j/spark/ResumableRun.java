package org.cnn4j.spark;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;

/**
 * The training run that {@link CnnClassifierTest} kills: three epochs checkpointing every two
 * steps. As a program ({@code main}) it trains in its own JVM and halts it, as {@code kill -9}
 * would (no shutdown hooks, no finally blocks), as soon as a checkpoint from the middle of the
 * second epoch exists.
 */
final class ResumableRun {
  static final int SAMPLES = 192;
  static final int BATCH = 16;
  static final int EPOCHS = 3;
  static final int HALT_EPOCH = 1;
  static final int HALT_STEP = 4;

  private ResumableRun() {}

  /** The run's trainer; with a checkpoint path it checkpoints there and resumes from it. */
  static CnnClassifier trainer(Path checkpoint) {
    CnnClassifier c;
    try (Model initial = TrainingData.network()) {
      c = CnnClassifier.of(initial);
    }
    c.setBatchSize(BATCH).setEpochs(EPOCHS).setSeed(5).setVerbose(0);
    c.setOutput(new PrintStream(OutputStream.nullOutputStream()));
    if (checkpoint != null) c.setCheckpointPath(checkpoint.toString()).setCheckpointInterval(2);
    return c;
  }

  static TrainingData data() {
    return new TrainingData(SAMPLES, 9);
  }

  /** Trains with the checkpoint {@code args[0]} and halts once it is far enough. */
  public static void main(String[] args) throws Exception {
    Path checkpoint = Path.of(args[0]);
    Thread killer = new Thread(() -> haltAfterCheckpoint(checkpoint), "killer");
    killer.setDaemon(true);
    killer.start();
    trainer(checkpoint).fit(data().frame(LocalSpark.session(), 2));
    System.err.println("the run ended before it was halted");
    System.exit(3);
  }

  private static void haltAfterCheckpoint(Path checkpoint) {
    while (true) {
      try {
        if (Files.isRegularFile(checkpoint)) {
          Map<String, String> meta = Models.metadata(checkpoint);
          int epoch = Integer.parseInt(meta.getOrDefault(DataParallelTraining.EPOCH, "0"));
          int step = Integer.parseInt(meta.getOrDefault(DataParallelTraining.STEP, "0"));
          if (epoch > HALT_EPOCH || (epoch == HALT_EPOCH && step >= HALT_STEP)) {
            Runtime.getRuntime().halt(137);
          }
        }
        Thread.sleep(1);
      } catch (Exception e) {
        // A checkpoint being replaced as it is read: read it again.
      }
    }
  }
}
