package org.cnn4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.applications.ApplicationBuilder;
import org.cnn4j.applications.Applications;
import org.cnn4j.backends.Backends;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;

/**
 * Training and inference throughput of a workload, measured as the peers measure it
 * (../shared/peers/common Bench.java): training images/s over windows of {@code win} steps of
 * {@code fit} (batch assembly, forward, backward, Adam), the first {@code skip} steps dropped as
 * warm-up, median of the windows; inference images/s of {@code predict} at batch {@code inferBs},
 * median of {@code inferReps} passes after one warm-up pass. Prints {@code RESULT} lines.
 */
public final class Bench {
  /** Untimed batch-1 predictions before the timed ones, as the peers' runs make (latWarm). */
  private static final int LATENCY_WARM_UP = 5;

  /** Options of one benchmark run. */
  public record Options(
      Workload workload,
      int batch,
      int window,
      int skip,
      int epochs,
      int maxSteps,
      int inferBatch,
      int inferReps,
      String backend,
      boolean profile,
      String model,
      int latencyReps) {
    /** A workload's options (no keras.applications model, no batch-1 latency). */
    public Options(
        Workload workload,
        int batch,
        int window,
        int skip,
        int epochs,
        int maxSteps,
        int inferBatch,
        int inferReps,
        String backend,
        boolean profile) {
      this(
          workload,
          batch,
          window,
          skip,
          epochs,
          maxSteps,
          inferBatch,
          inferReps,
          backend,
          profile,
          null,
          0);
    }
  }

  private Bench() {}

  public static void run(Options o) throws IOException {
    // A keras.applications model (W4: resnet50, W5: mobilenet_v2) runs on synthetic images of its
    // default size and classes (224x224x3, 1000): enough steps for the skipped and timed windows,
    // two inference batches.
    ApplicationBuilder<?> app = o.model() == null ? null : Applications.byName(o.model());
    int[] shape = app == null ? null : app.resolvedInputShape();
    TrainTestSplit data =
        app == null
            ? o.workload().data()
            : new TrainTestSplit(
                Workload.synthetic(
                    o.batch() * (o.skip() + 3 * o.window()),
                    shape[0],
                    shape[1],
                    shape[2],
                    42,
                    app.classes()),
                Workload.synthetic(
                    2 * o.inferBatch(), shape[0], shape[1], shape[2], 43, app.classes()));
    LabeledImages train = data.train();
    LabeledImages test = data.test();
    Backend raw = Backends.open(o.backend(), BackendConfig.defaults());
    ProfilingBackend profiler = o.profile() ? ProfilingBackend.wrap(raw) : null;
    Backend backend = profiler != null ? profiler.proxy() : raw;
    String tag =
        String.format(
            Locale.ROOT,
            "peer=cnn4j backend=%s wl=%s bs=%d",
            raw.id(),
            o.model() != null ? o.model() : o.workload(),
            o.batch());
    try (raw;
        Model model =
            o.model() != null
                ? app.backend(backend).seed(42).build()
                : new Sequential(backend, 42, o.workload().layers())) {
      model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      Meter meter = new Meter(o.window(), o.skip(), o.batch(), o.maxSteps(), model);
      for (int epoch = 1; epoch <= o.epochs() && !meter.done; epoch++) {
        if (profiler != null && epoch == 1) profiler.reset();
        model.fit(
            train,
            FitOptions.epochs(1).batchSize(o.batch()).seed(epoch).verbose(0).callbacks(meter));
        if (o.workload() == Workload.W1 && !meter.done) {
          double acc = model.evaluate(test, 256).get("accuracy");
          System.out.printf(
              Locale.ROOT, "RESULT %s metric=test_accuracy_epoch%d value=%.4f%n", tag, epoch, acc);
          meter.restartWindow();
        }
        System.out.printf(
            Locale.ROOT,
            "RESULT %s metric=rss_mb_epoch%d value=%d%n",
            tag,
            epoch,
            memoryMb("VmRSS:"));
        System.out.printf(
            Locale.ROOT,
            "RESULT %s metric=peak_buffers_mb_epoch%d value=%d%n",
            tag,
            epoch,
            raw.memoryStats().peakBytes() >> 20);
      }
      System.out.printf(
          Locale.ROOT,
          "RESULT %s metric=train_img_s value=%.1f windows=%s%n",
          tag,
          median(meter.rates),
          meter.rates);
      if (profiler != null) {
        System.out.print(profiler.report(meter.steps));
      }
      int n = test.count() / o.inferBatch() * o.inferBatch();
      // A slice copies; the whole set (W3, W4, W5) is read as it is.
      LabeledImages inferSet = n == test.count() ? test : test.slice(0, n);
      model.predict(inferSet, o.inferBatch()).values();
      List<Double> inferRates = new ArrayList<>();
      if (profiler != null) profiler.reset();
      for (int r = 0; r < o.inferReps(); r++) {
        long t0 = System.nanoTime();
        model.predict(inferSet, o.inferBatch()).values();
        inferRates.add(n / ((System.nanoTime() - t0) / 1e9));
      }
      if (profiler != null && o.inferReps() > 0) {
        System.out.print(
            "inference, per batch of "
                + o.inferBatch()
                + ":\n"
                + profiler.report((long) o.inferReps() * (n / o.inferBatch())));
      }
      System.out.printf(
          Locale.ROOT,
          "RESULT %s metric=infer_img_s value=%.1f inferBs=%d%n",
          tag,
          median(inferRates),
          o.inferBatch());
      if (o.latencyReps() > 0) {
        LabeledImages one = test.slice(0, 1);
        // Untimed calls first, as many as the peers make (their latWarm, 5 for W4 and W5).
        for (int r = 0; r < LATENCY_WARM_UP; r++) model.predict(one, 1);
        List<Double> ms = new ArrayList<>();
        for (int r = 0; r < o.latencyReps(); r++) {
          long t0 = System.nanoTime();
          model.predict(one, 1);
          ms.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.printf(
            Locale.ROOT,
            "RESULT %s metric=latency_ms_batch1 value=%.1f reps=%d min=%.1f max=%.1f%n",
            tag,
            median(ms),
            o.latencyReps(),
            Collections.min(ms),
            Collections.max(ms));
      }
      System.out.printf(
          Locale.ROOT, "RESULT %s metric=peak_rss_mb value=%d%n", tag, memoryMb("VmHWM:"));
      System.out.printf(
          Locale.ROOT,
          "RESULT %s metric=peak_buffers_mb value=%d%n",
          tag,
          raw.memoryStats().peakBytes() >> 20);
    }
  }

  /** Records images/s over windows of steps through fit's batch callback. */
  private static final class Meter implements Callback {
    final int window;
    final int skip;
    final int batch;
    final int maxSteps;
    final Model model;
    final List<Double> rates = new ArrayList<>();
    int steps;
    int inWindow;
    long windowStart = System.nanoTime();
    boolean done;

    Meter(int window, int skip, int batch, int maxSteps, Model model) {
      this.window = window;
      this.skip = skip;
      this.batch = batch;
      this.maxSteps = maxSteps;
      this.model = model;
    }

    @Override
    public void onBatchEnd(int index, Map<String, Double> logs) {
      steps++;
      if (++inWindow == window) {
        long now = System.nanoTime();
        if (steps > skip) rates.add(window * batch / ((now - windowStart) / 1e9));
        inWindow = 0;
        windowStart = System.nanoTime();
      }
      if (maxSteps > 0 && steps >= maxSteps) {
        done = true;
        model.stopTraining();
      }
    }

    @Override
    public void onEpochBegin(int epoch) {
      restartWindow();
    }

    void restartWindow() {
      inWindow = 0;
      windowStart = System.nanoTime();
    }
  }

  static double median(List<Double> v) {
    if (v.isEmpty()) return Double.NaN;
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** A memory line of /proc/self/status in MiB: VmRSS (resident now) or VmHWM (peak resident). */
  static long memoryMb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
