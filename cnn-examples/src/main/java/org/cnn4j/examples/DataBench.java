package org.cnn4j.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.data.ImageDataGenerator;
import org.cnn4j.data.ImageFolder;

/**
 * Throughput of the data pipeline at the lesson's 224x224 workflow: PNG decoding, bilinear resize
 * and the lesson's augmentation (rotation 20, shifts 0.2, horizontal flip, rescale 1/255) through
 * {@link ImageFolder#copyBatch}, as {@code fit}'s prefetching thread calls it. Compare with the
 * training throughput of {@code cnn4j bench --workload W3}: the data should be at least twice as
 * fast, so it never limits training.
 *
 * <p>Arguments (all optional): {@code dir=<folder of class folders>} (default: the shapes folder of
 * {@link ImageFolderExample}, generated with 256x256 PNGs when missing), {@code size=224}, {@code
 * batch=32}, {@code passes=3} (timed passes over the folder after one warm-up pass), {@code
 * threads=<cores>}, {@code augment=true}. Prints {@code RESULT} lines.
 */
public final class DataBench {
  private DataBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args);
    Path root =
        Path.of(
            a.getOrDefault(
                "dir", Path.of(System.getProperty("java.io.tmpdir"), "cnn4j-shapes").toString()));
    Path dir = root.resolve("train");
    if (!a.containsKey("dir"))
      ShapeImages.generateIfNeeded(root, new ShapeImages.Spec(256, 150, 50, 42));
    else if (!dir.toFile().isDirectory()) dir = root;
    int size = Integer.parseInt(a.getOrDefault("size", "224"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
    int passes = Integer.parseInt(a.getOrDefault("passes", "3"));
    int threads =
        Integer.parseInt(
            a.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
    boolean augment = Boolean.parseBoolean(a.getOrDefault("augment", "true"));
    ImageDataGenerator gen =
        augment
            ? ImageFolderExample.lessonAugmentation(42)
            : ImageDataGenerator.builder().rescale(1 / 255.0).build();
    try (ImageFolder data =
        gen.flowFromDirectory(dir).targetSize(size, size).threads(threads).build()) {
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
          threads,
          passes * data.size(),
          rate,
          cpu,
          seconds);
    }
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
