package org.cnn4j.modulepath;

import org.cnn4j.backends.Backends;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;

/**
 * Run by {@link CpuBackendOnTheModulePathTest} in a child JVM whose module graph has {@code
 * org.cnn4j.backend.cpu} as its only root: opens the CPU backend and trains a tiny CNN for one
 * step.
 */
public final class ModulePathMain {
  private ModulePathMain() {}

  public static void main(String[] args) {
    System.out.println("api module: " + Sequential.class.getModule().getName());
    System.out.println(
        "natives module resolved: "
            + ModuleLayer.boot().findModule("org.cnn4j.backend.cpu.natives").isPresent());
    int n = 8;
    float[] x = new float[n * 8 * 8];
    float[] y = new float[n];
    for (int i = 0; i < x.length; i++) x[i] = (i * 37 % 11) / 11f;
    for (int i = 0; i < n; i++) y[i] = i % 2;
    try (Backend backend = Backends.open("cpu", BackendConfig.defaults());
        Sequential model =
            new Sequential(
                backend,
                42,
                new Input(8, 8, 1),
                new Conv2D(4, 3, "relu"),
                new Flatten(),
                new Dense(2, "softmax"))) {
      System.out.println(
          "backend " + backend.id() + " from module " + backend.getClass().getModule().getName());
      model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      var history =
          model.fit(
              new LabeledImages(x, y, n, 8, 8, 1), FitOptions.epochs(1).batchSize(n).verbose(0));
      System.out.println("loss after one step: " + history.history().get("loss").get(0));
    }
  }
}
