package org.cnn4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipFile;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.io.Models;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.Rescaling;
import org.cnn4j.layers.SeparableConv2D;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.layers.ZeroPadding2D;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.Functional;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnn4j -> .keras -> cnn4j, and Keras -> cnn4j -> .keras -> cnn4j, give identical predictions. */
class RoundTripTest {
  static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.open();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** A functional model with a nested Sequential, a shared layer, merges and every weight kind. */
  static Model graph(Backend backend) {
    Sequential block =
        new Sequential(
            backend,
            3,
            new Input(8, 8, 6),
            new Conv2D(6, 1),
            new BatchNormalization(),
            new Activation("relu"));
    block.name("block");
    SymbolicTensor in = Input.of("image", 8, 8, 3);
    SymbolicTensor x = new Rescaling(1 / 255.0).apply(in);
    SymbolicTensor a = new Conv2D(6, 3).padding("same").activation("relu").apply(x);
    SymbolicTensor b = new DepthwiseConv2D(3).depthMultiplier(2).padding("same").apply(x);
    SymbolicTensor c = block.apply(a);
    Conv2D shared = new Conv2D(6, 3).padding("same");
    shared.name("shared");
    SymbolicTensor s = new Add().apply(shared.apply(b), shared.apply(c));
    SymbolicTensor m =
        new Concatenate(-1).apply(s, new SeparableConv2D(4, 3).padding("same").apply(a));
    m = new ZeroPadding2D(1).apply(m);
    m = new MaxPooling2D(2).apply(m);
    SymbolicTensor g = new GlobalAveragePooling2D().apply(m);
    SymbolicTensor f = new Flatten().apply(m);
    SymbolicTensor out =
        new Dense(5, "softmax")
            .apply(
                new Concatenate(-1)
                    .apply(g, new Dropout(0.2).apply(new Dense(7, "tanh").apply(f))));
    Functional model = new Functional(backend, 11, List.of(in), List.of(out));
    model.name("round_trip");
    model.closeWith(block);
    // Non-trivial BN statistics, so that every weight matters.
    List<float[]> w = model.getWeights();
    SplittableRandom r = new SplittableRandom(5);
    for (float[] v : w)
      for (int i = 0; i < v.length; i++)
        v[i] = (float) (r.nextDouble() * 0.6 - 0.3) + (v[i] == 1f ? 1f : 0f);
    model.setWeights(w);
    return model;
  }

  /** Two inputs, two outputs, a nested functional model applied twice. */
  static Model twoHeads(Backend backend) {
    SymbolicTensor inner = Input.of(6, 6, 2);
    SymbolicTensor conv = new Conv2D(2, 3).padding("same").activation("relu").apply(inner);
    Functional cell =
        new Functional(backend, 5, List.of(inner), List.of(new Add().apply(conv, inner)));
    cell.name("cell");
    SymbolicTensor a = Input.of("left", 6, 6, 2);
    SymbolicTensor b = Input.of("right", 6, 6, 2);
    SymbolicTensor x = cell.apply(a);
    SymbolicTensor y = cell.apply(b);
    SymbolicTensor pooled = new GlobalAveragePooling2D().apply(new Concatenate(-1).apply(x, y));
    Dense first = new Dense(3, "softmax");
    first.name("first");
    Dense second = new Dense(1, "sigmoid");
    second.name("second");
    Functional model =
        new Functional(
            backend, 8, List.of(a, b), List.of(first.apply(pooled), second.apply(pooled)));
    model.name("two_heads");
    model.closeWith(cell);
    return model;
  }

  @Test
  void severalInputsAndOutputsAndANestedFunctionalCalledTwiceRoundTrip(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("two.keras");
    SplittableRandom r = new SplittableRandom(4);
    float[] l = new float[3 * 72], rr = new float[3 * 72];
    for (int i = 0; i < l.length; i++) {
      l[i] = (float) r.nextDouble();
      rr[i] = (float) r.nextDouble();
    }
    ArrayDataset data =
        ArrayDataset.of(3)
            .input(l, 6, 6, 2)
            .input(rr, 6, 6, 2)
            .target(new float[3], 1)
            .target(new float[3], 1);
    try (Model model = twoHeads(backend)) {
      List<float[]> before = model.predictAll(data, 3);
      KerasModels.save(model, file);
      try (Model again = KerasModels.load(file, backend)) {
        List<float[]> after = again.predictAll(data, 3);
        assertEquals(2, after.size());
        assertArrayEquals(before.get(0), after.get(0));
        assertArrayEquals(before.get(1), after.get(1));
        assertEquals(List.of("first", "second"), again.outputNames());
      }
    }
  }

  static ArrayDataset images(int n, int h, int w, int c) {
    SplittableRandom r = new SplittableRandom(9);
    float[] x = new float[n * h * w * c];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 255);
    return ArrayDataset.of(n).input(x, h, w, c).target(new float[n], 1);
  }

  @Test
  void aCnn4jModelSavedAsKerasLoadsWithIdenticalPredictions(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model.keras");
    ArrayDataset data = images(4, 8, 8, 3);
    try (Model model = graph(backend)) {
      model.compile(new Adam(0.003), new SparseCategoricalCrossentropy(), "accuracy");
      float[] before = model.predict(data, 4).values();
      model.save(file); // through the ModelFormat hook: a .keras name writes Keras
      try (ZipFile zip = new ZipFile(file.toFile())) {
        assertTrue(
            zip.getEntry("config.json") != null
                && zip.getEntry("metadata.json") != null
                && zip.getEntry("model.weights.h5") != null);
      }
      try (Model again = Models.load(file, backend)) {
        assertArrayEquals(before, again.predict(data, 4).values());
        assertEquals(model.countParams(), again.countParams());
        assertEquals("round_trip", again.name());
        assertEquals("adam", again.optimizer().config().get("name"));
        assertEquals(List.of("accuracy"), again.metricNames());
        assertTrue(again.getLayer("block") instanceof Sequential);
      }
    }
  }

  @Test
  void anImportedModelSavedAsKerasAndImportedAgainIsIdentical(@TempDir Path dir) throws Exception {
    for (String name :
        List.of("k3_functional.keras", "k3_channels_first_legacy.h5", "keras1_theano_th.h5")) {
      Path file = dir.resolve(name + ".keras");
      try (Model model = KerasModels.load(Fixtures.resource(name), backend)) {
        int[] shape = model.inputShape().dims();
        ArrayDataset data = images(3, shape[0], shape[1], shape[2]);
        float[] before = model.predict(data, 3).values();
        KerasModels.save(model, file);
        try (Model again = KerasModels.load(file, backend)) {
          assertArrayEquals(before, again.predict(data, 3).values(), name);
          List<float[]> w1 = model.getWeights(), w2 = again.getWeights();
          for (int i = 0; i < w1.size(); i++) assertArrayEquals(w1.get(i), w2.get(i), name);
        }
      }
    }
  }

  @Test
  void saveIsAtomic(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model.keras");
    try (Model model = graph(backend)) {
      model.save(file);
    }
    byte[] before = Files.readAllBytes(file);
    try (Model unsupported =
        new Sequential(backend, 1, new Input(4), new Dense(2, "gelu_approximate"))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> unsupported.save(file));
      assertTrue(e.getMessage().contains("gelu"), e.getMessage());
    }
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left");
    }
  }
}
