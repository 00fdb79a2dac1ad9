package org.cnn4j.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.data.ImageDataGenerator;
import org.cnn4j.data.ImageFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the data pipeline at the lesson's 224x224 workflow: PNG decoding, bilinear resize
 * and the lesson's augmentation (rotation 20, shifts 0.2, horizontal flip, rescale 1/255) through
 * {@link ImageFolder#copyBatch}, as {@code fit}'s prefetching thread calls it. Compare with the
 * training throughput of {@code cnn4j bench --workload W3}: the data should be at least twice as
 * fast, so it never limits training.
 *
 * <p>Options (all optional; {@code --help} lists them): {@code --dir <folder of class folders>}
 * (default: the shapes folder of {@link ImageFolderExample}, generated with 256x256 PNGs when
 * missing), {@code --size 224}, {@code --batch 32}, {@code --passes 3} (timed passes over the
 * folder after one warm-up pass), {@code --threads <cores>}, {@code --no-augment}. Prints {@code
 * RESULT} lines.
 */
@Command(
    name = "DataBench",
    mixinStandardHelpOptions = true,
    versionProvider = Cnn4j.VersionProvider.class,
    description = "Throughput of the data pipeline (decode, resize, augment) at 224x224.")
public final class DataBench implements Callable<Integer> {
  @Option(
      names = "--dir",
      description =
          "folder of class folders (default: the shapes folder of ImageFolderExample, generated"
              + " when missing)")
  Path dir;

  @Option(
      names = "--size",
      defaultValue = "224",
      description = "target size (default ${DEFAULT-VALUE})")
  int size;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "batch size (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--passes",
      defaultValue = "3",
      description = "timed passes after one warm-up pass (default ${DEFAULT-VALUE})")
  int passes;

  @Option(names = "--threads", description = "decoding threads (default: one per core)")
  Integer threads;

  @Option(
      names = "--augment",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "the lesson's augmentation (default ${DEFAULT-VALUE}; --no-augment: rescale only)")
  boolean augment;

  private DataBench() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new DataBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path root = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"), "cnn4j-shapes");
    Path folder = root.resolve("train");
    if (dir == null) ShapeImages.generateIfNeeded(root, new ShapeImages.Spec(256, 150, 50, 42));
    else if (!folder.toFile().isDirectory()) folder = root;
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    ImageDataGenerator gen =
        augment
            ? ImageFolderExample.lessonAugmentation(42)
            : ImageDataGenerator.builder().rescale(1 / 255.0).build();
    try (ImageFolder data =
        gen.flowFromDirectory(folder).targetSize(size, size).threads(workers).build()) {
      float[] x = new float[batch * size * size * 3];
      float[] y = new float[batch * data.labelSize()];
      pass(data, batch, x, y);
      long start = System.nanoTime();
      long cpuStart = cpuNanos();
      for (int p = 0; p < passes; p++) pass(data, batch, x, y);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = (cpuNanos() - cpuStart) / 1e9;
      double rate = passes * (double) data.size() / seconds;
      System.out.printf(
          Locale.ROOT,
          "RESULT peer=cnn4j data=imagefolder size=%d augment=%s threads=%d images=%d metric=data_img_s value=%.1f "
              + "process_cpu_s=%.1f wall_s=%.1f%n",
          size,
          augment,
          workers,
          passes * data.size(),
          rate,
          cpu,
          seconds);
    }
    return 0;
  }

  private static void pass(ImageFolder data, int batch, float[] x, float[] y) {
    for (int from = 0; from < data.size(); from += batch) {
      data.copyBatch(null, from, Math.min(batch, data.size() - from), x, y);
    }
  }

  private static long cpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }
}
