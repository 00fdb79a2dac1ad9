package org.cnn4j.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.cnn4j.callbacks.EventFileReader.Event;
import org.cnn4j.callbacks.EventFileReader.Value;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.models.History;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.models.SmallModels;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TensorBoard callback's event files after real runs on the CPU backend, read back with {@link
 * EventFileReader}: the scalars equal the History's, histograms count every weight, images decode
 * as PNGs of the weights.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorBoardTest {
  /** 48 samples, validation_split 0.25: 36 to train on, 3 batches of 16 per epoch. */
  private static final LabeledImages DATA = SmallModels.data(48, 9L);

  private static final int BATCHES_PER_EPOCH = 3;

  private Backend backend;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** The events of the only file in {@code dir}, after checking its name. */
  private static List<Event> events(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.toList();
    }
    assertEquals(1, files.size(), "files in " + dir + ": " + files);
    String name = files.get(0).getFileName().toString();
    long pid = ProcessHandle.current().pid();
    assertTrue(
        name.matches("events\\.out\\.tfevents\\.\\d{10}\\.[^/]+\\." + pid + "\\.\\d+\\.v2"), name);
    List<Event> events = EventFileReader.read(files.get(0));
    assertEquals("brain.Event:2", events.get(0).fileVersion());
    return events.subList(1, events.size());
  }

  /** Each tag's values in the order written, with their steps. */
  private static Map<String, List<Value>> byTag(List<Event> events, Map<String, List<Long>> steps) {
    Map<String, List<Value>> values = new LinkedHashMap<>();
    for (Event e : events) {
      for (Value v : e.values()) {
        values.computeIfAbsent(v.tag(), t -> new ArrayList<>()).add(v);
        steps.computeIfAbsent(v.tag(), t -> new ArrayList<>()).add(e.step());
      }
    }
    return values;
  }

  private static List<Float> scalars(List<Value> values) {
    values.forEach(v -> assertEquals("scalars", v.plugin(), v.tag()));
    return values.stream().map(v -> v.tensor().scalar()).toList();
  }

  private static List<Float> asFloats(List<Double> values) {
    return values.stream().map(Double::floatValue).toList();
  }

  @Test
  void epochScalarsAreTheHistorysInTrainAndValidationRuns(@TempDir Path logs) throws IOException {
    History h;
    try (Sequential m = SmallModels.model(backend, 3L)) {
      h = m.fit(DATA, SmallModels.quiet(3).validationSplit(0.25).callbacks(new TensorBoard(logs)));
    }
    assertEquals(
        List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(h.history().keySet()));

    Map<String, List<Long>> steps = new HashMap<>();
    Map<String, List<Value>> train = byTag(events(logs.resolve("train")), steps);
    assertEquals(
        List.of("epoch_loss", "epoch_accuracy", "epoch_learning_rate"),
        List.copyOf(train.keySet()));
    assertEquals(asFloats(h.get("loss")), scalars(train.get("epoch_loss")));
    assertEquals(asFloats(h.get("accuracy")), scalars(train.get("epoch_accuracy")));
    assertEquals(List.of(0.01f, 0.01f, 0.01f), scalars(train.get("epoch_learning_rate")));
    for (String tag : train.keySet()) assertEquals(List.of(0L, 1L, 2L), steps.get(tag), tag);

    Map<String, List<Long>> valSteps = new HashMap<>();
    Map<String, List<Value>> val = byTag(events(logs.resolve("validation")), valSteps);
    assertEquals(asFloats(h.get("val_loss")), scalars(val.get("epoch_loss")));
    assertEquals(asFloats(h.get("val_accuracy")), scalars(val.get("epoch_accuracy")));
    assertEquals(List.of(0L, 1L, 2L), valSteps.get("epoch_loss"));
    // As Keras' on_test_end: the same values against the optimizer's step count.
    assertEquals(asFloats(h.get("val_loss")), scalars(val.get("evaluation_loss_vs_iterations")));
    assertEquals(List.of(3L, 6L, 9L), valSteps.get("evaluation_loss_vs_iterations"));
    assertEquals(
        asFloats(h.get("val_accuracy")), scalars(val.get("evaluation_accuracy_vs_iterations")));
  }

  @Test
  void withoutValidationThereIsNoValidationRun(@TempDir Path logs) throws IOException {
    try (Sequential m = SmallModels.model(backend, 3L)) {
      m.fit(DATA, SmallModels.quiet(1).callbacks(new TensorBoard(logs)));
    }
    assertTrue(Files.isDirectory(logs.resolve("train")));
    assertFalse(Files.exists(logs.resolve("validation")));
  }

  /** Keeps each batch's logs, as the callbacks see them. */
  private static final class BatchLogs implements Callback {
    final List<Map<String, Double>> logs = new ArrayList<>();

    @Override
    public void onBatchEnd(int batch, Map<String, Double> l) {
      logs.add(Map.copyOf(l));
    }
  }

  @Test
  void batchScalarsEveryUpdateFreqBatches(@TempDir Path logs) throws IOException {
    BatchLogs seen = new BatchLogs();
    try (Sequential m = SmallModels.model(backend, 3L)) {
      m.fit(
          DATA,
          SmallModels.quiet(3)
              .validationSplit(0.25)
              .callbacks(seen, new TensorBoard(logs).updateFreq(2)));
    }
    assertEquals(3 * BATCHES_PER_EPOCH, seen.logs.size());
    Map<String, List<Long>> steps = new HashMap<>();
    Map<String, List<Value>> train = byTag(events(logs.resolve("train")), steps);
    // Batches 2, 4, 6, 8 of the 9, counted across epochs.
    assertEquals(List.of(2L, 4L, 6L, 8L), steps.get("batch_loss"));
    List<Float> expected = new ArrayList<>();
    for (long step : steps.get("batch_loss")) {
      expected.add(seen.logs.get((int) step - 1).get("loss").floatValue());
    }
    assertEquals(expected, scalars(train.get("batch_loss")));
    assertEquals(List.of(2L, 4L, 6L, 8L), steps.get("batch_accuracy"));
    assertEquals(List.of(0L, 1L, 2L), steps.get("epoch_loss"));
  }

  @Test
  void updateFreqBatchWritesEveryBatchWithStepsPerSecond(@TempDir Path logs) throws IOException {
    try (Sequential m = SmallModels.model(backend, 3L)) {
      m.fit(
          DATA,
          SmallModels.quiet(2)
              .callbacks(new TensorBoard(logs).updateFreq("batch").writeStepsPerSecond(true)));
    }
    Map<String, List<Long>> steps = new HashMap<>();
    Map<String, List<Value>> train = byTag(events(logs.resolve("train")), steps);
    // 48 samples without validation: 3 batches per epoch.
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps.get("batch_loss"));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps.get("batch_steps_per_second"));
    assertEquals(List.of(0L, 1L), steps.get("epoch_steps_per_second"));
    scalars(train.get("epoch_steps_per_second")).forEach(v -> assertTrue(v > 0, "" + v));
  }

  /** Keeps the weights at the end of each epoch. */
  private static final class EpochWeights implements Callback {
    final List<List<float[]>> perEpoch = new ArrayList<>();
    Model model;

    @Override
    public void setModel(Model m) {
      model = m;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      perEpoch.add(model.getWeights());
    }
  }

  private static final List<String> WEIGHTS =
      List.of(
          "conv2d/kernel",
          "conv2d/bias",
          "batch_normalization/gamma",
          "batch_normalization/beta",
          "batch_normalization/moving_mean",
          "batch_normalization/moving_variance",
          "dense/kernel",
          "dense/bias");

  @Test
  void histogramsOfEveryWeightEveryHistogramFreqEpochs(@TempDir Path logs) throws IOException {
    EpochWeights weights = new EpochWeights();
    try (Sequential m = SmallModels.model(backend, 3L)) {
      m.fit(DATA, SmallModels.quiet(3).callbacks(new TensorBoard(logs).histogramFreq(2), weights));
    }
    Map<String, List<Long>> steps = new HashMap<>();
    Map<String, List<Value>> train = byTag(events(logs.resolve("train")), steps);
    List<String> tags = WEIGHTS.stream().map(w -> w + "/histogram").toList();
    assertEquals(tags, train.keySet().stream().filter(t -> t.endsWith("/histogram")).toList());
    for (int w = 0; w < WEIGHTS.size(); w++) {
      String tag = tags.get(w);
      assertEquals(List.of(0L, 2L), steps.get(tag), tag);
      for (int i = 0; i < 2; i++) {
        Value v = train.get(tag).get(i);
        assertEquals("histograms", v.plugin(), tag);
        float[] values = weights.perEpoch.get(i * 2).get(w);
        double[][] buckets = v.tensor().rows();
        assertEquals(30, buckets.length, tag);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float x : values) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
        double count = 0;
        for (double[] b : buckets) count += b[2];
        assertEquals(values.length, count, tag + ": counts");
        assertEquals(min, buckets[0][0], tag + ": min");
        assertEquals(max, buckets[29][1], tag + ": max");
        if (min == max) continue;
        // tf.summary.histogram: 30 buckets of width (max - min) / 30 from min; a value goes to
        // bucket floor((v - min) / width), the largest to the last.
        double width = (max - min) / 30;
        double[] counts = new double[30];
        for (float x : values) counts[(int) Math.min(29, Math.floor((x - min) / width))]++;
        for (int b = 0; b < 30; b++) {
          assertEquals(min + b * width, buckets[b][0], 1e-12 * (max - min), tag + " edge " + b);
          assertEquals(counts[b], buckets[b][2], tag + " bucket " + b);
        }
      }
    }
  }

  @Test
  void writeImagesWritesKernelsAsPngs(@TempDir Path logs) throws IOException {
    EpochWeights weights = new EpochWeights();
    try (Sequential m = SmallModels.model(backend, 3L)) {
      m.fit(
          DATA,
          SmallModels.quiet(1)
              .callbacks(new TensorBoard(logs).histogramFreq(1).writeImages(true), weights));
    }
    Map<String, List<Value>> train = byTag(events(logs.resolve("train")), new HashMap<>());
    // Conv2D(4, 3) on one channel: kernel [3, 3, 1, 4] shows its first 3 output channels, 3 x 3.
    Value conv = train.get("conv2d/kernel/image").get(0);
    assertEquals("images", conv.plugin());
    assertEquals(7, conv.tensor().dtype(), "DT_STRING");
    List<byte[]> strings = conv.tensor().strings();
    assertEquals(List.of((long) strings.size()), conv.tensor().shape());
    assertEquals(5, strings.size());
    assertEquals("3", new String(strings.get(0), StandardCharsets.US_ASCII), "width");
    assertEquals("3", new String(strings.get(1), StandardCharsets.US_ASCII), "height");
    float[] kernel = weights.perEpoch.get(0).get(0);
    for (int c = 0; c < 3; c++) {
      Raster png = png(strings.get(2 + c)).getRaster();
      assertEquals(1, png.getNumBands());
      int[] pixels = png.getPixels(0, 0, 3, 3, (int[]) null);
      int[] expected = new int[9];
      for (int i = 0; i < 9; i++) expected[i] = KernelImages.toByte(kernel[i * 4 + c]);
      assertArrayEquals(expected, pixels, "channel " + c);
    }
    // Dense(4) on 64 inputs: kernel [64, 4] transposed, one image 64 wide and 4 high.
    Value dense = train.get("dense/kernel/image").get(0);
    List<byte[]> d = dense.tensor().strings();
    assertEquals(List.of("64", "4"), List.of(new String(d.get(0)), new String(d.get(1))));
    BufferedImage image = png(d.get(2));
    assertEquals(64, image.getWidth());
    assertEquals(4, image.getHeight());
    float[] denseKernel = weights.perEpoch.get(0).get(6);
    assertEquals(KernelImages.toByte(denseKernel[5 * 4 + 2]), image.getRaster().getSample(5, 2, 0));
    assertTrue(train.containsKey("dense/bias/image"));
  }

  private static BufferedImage png(byte[] bytes) throws IOException {
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    assertTrue(image != null, "not a PNG ImageIO reads");
    return image;
  }

  @Test
  void eachFitWritesNewFiles(@TempDir Path logs) throws IOException {
    TensorBoard tb = new TensorBoard(logs);
    try (Sequential m = SmallModels.model(backend, 3L)) {
      m.fit(DATA, SmallModels.quiet(1).callbacks(tb));
      m.fit(DATA, SmallModels.quiet(1).callbacks(tb));
    }
    try (Stream<Path> s = Files.list(logs.resolve("train"))) {
      assertEquals(2, s.count(), "one file per fit, even within the same second");
    }
  }

  /** Whether this process holds {@code file} open (Linux: /proc/self/fd). */
  private static boolean open(Path file) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "no /proc/self/fd here");
    Path real = file.toRealPath();
    try (Stream<Path> all = Files.list(fds)) {
      return all.anyMatch(
          fd -> {
            try {
              return Files.readSymbolicLink(fd).equals(real);
            } catch (IOException | UnsupportedOperationException e) {
              return false;
            }
          });
    }
  }

  @Test
  void whenFitThrowsTheFilesAreClosedAndHoldTheFinishedEpochs(@TempDir Path logs)
      throws IOException {
    Callback failing =
        new Callback() {
          @Override
          public void onEpochEnd(int epoch, Map<String, Double> l) {
            if (epoch == 1) throw new IllegalStateException("disk full (simulated)");
          }
        };
    try (Sequential m = SmallModels.model(backend, 3L)) {
      assertThrows(
          IllegalStateException.class,
          () ->
              m.fit(
                  DATA,
                  SmallModels.quiet(3)
                      .validationSplit(0.25)
                      .callbacks(new TensorBoard(logs).updateFreq(1), failing)));
    }
    for (String run : List.of("train", "validation")) {
      try (Stream<Path> s = Files.list(logs.resolve(run))) {
        for (Path f : s.toList()) assertFalse(open(f), f + " is still open");
      }
    }
    Map<String, List<Long>> steps = new HashMap<>();
    byTag(events(logs.resolve("train")), steps);
    // Epochs 0 and 1 ended (the failing callback runs after TensorBoard's), with their batches.
    assertEquals(List.of(0L, 1L), steps.get("epoch_loss"));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps.get("batch_loss"));
  }

  @Test
  void updateFreqNamesTheAllowedValues() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> new TensorBoard().updateFreq("step"));
    assertTrue(
        e.getMessage().contains("\"epoch\", \"batch\" or a number of batches"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TensorBoard().updateFreq(0));
    assertThrows(IllegalArgumentException.class, () -> new TensorBoard().histogramFreq(-1));
  }

  @Test
  void defaultsAreKeras() {
    TensorBoard tb = new TensorBoard();
    assertEquals(Path.of("logs"), tb.logDir());
    assertTrue(tb.writeGraph());
  }
}
