package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.layers.*;
import org.cnn4j.losses.MeanSquaredError;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.models.SmallModels;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.regularizers.L2;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files of graphs: every layer type of the functional API, a shared layer, a nested model,
 * two inputs and the arguments that differ from the defaults survive save and load, with the same
 * predictions and the same config.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphFilesTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private Functional everyLayer() {
    SymbolicTensor image = Input.of("image", 8, 8, 3);
    SymbolicTensor side = Input.of("side", 2, 4);
    SymbolicTensor x = new ZeroPadding2D(1, 0, 2, 1).apply(image);
    x = new Cropping2D(1, 0, 2, 1).apply(x);
    x =
        new Conv2D(6, 3)
            .padding("same")
            .activation("relu6")
            .kernelInitializer("he_normal")
            .kernelRegularizer(new L2(1e-4))
            .apply(x);
    x = new DepthwiseConv2D(3).depthMultiplier(2).padding("same").activation("swish").apply(x);
    x = new SeparableConv2D(4, 3).padding("same").activation("gelu").apply(x);
    x = new LayerNormalization().epsilon(1e-5).apply(x);
    SymbolicTensor y = new ReLU(6.0).apply(x);
    SymbolicTensor z = new LeakyReLU(0.1).apply(x);
    SymbolicTensor a = new Add().apply(y, z);
    SymbolicTensor s = new Subtract().apply(y, z);
    SymbolicTensor m = new Multiply().apply(a, new GlobalAveragePooling2D(true).apply(s));
    SymbolicTensor mx = new Maximum().apply(a, s);
    SymbolicTensor mn = new Minimum().apply(a, s);
    SymbolicTensor av = new Average().apply(m, mx, mn);
    SymbolicTensor cat = new Concatenate().apply(av, new ELU(0.5).apply(av));
    cat = new SpatialDropout2D(0.2).apply(cat);
    cat = new UpSampling2D(2, 2, "bilinear").apply(new MaxPooling2D(2).apply(cat));
    cat = new UpSampling2D(1).apply(cat);
    SymbolicTensor pooled = new GlobalMaxPooling2D().apply(cat);
    SymbolicTensor sideFeatures = new Dense(3, "hard_silu").apply(new Permute(2, 1).apply(side));
    SymbolicTensor sideFlat = new Reshape(-1).apply(sideFeatures);
    Sequential headBlock =
        new Sequential(backend, 3L, new Input(20), new Dense(5, "selu"), new Dense(5, "softplus"));
    headBlock.name("head_block");
    SymbolicTensor h = headBlock.apply(new Concatenate().apply(pooled, sideFlat));
    Dense shared = new Dense(5, "softsign");
    shared.name("shared");
    SymbolicTensor out =
        new Dense(2).apply(new Softmax(1).apply(new Add().apply(shared.apply(h), shared.apply(h))));
    Functional model = new Functional(backend, 9L, List.of(image, side), List.of(out));
    model.closeWith(headBlock);
    model.output(new PrintStream(OutputStream.nullOutputStream()));
    return model;
  }

  private static ArrayDataset data() {
    SplittableRandom r = new SplittableRandom(4);
    float[] images = new float[20 * 8 * 8 * 3];
    for (int i = 0; i < images.length; i++) images[i] = (float) r.nextDouble();
    float[] side = new float[20 * 8];
    for (int i = 0; i < side.length; i++) side[i] = (float) r.nextDouble(-1, 1);
    float[] targets = new float[20 * 2];
    for (int i = 0; i < targets.length; i++) targets[i] = (float) r.nextDouble();
    return ArrayDataset.of(20).input(images, 8, 8, 3).input(side, 2, 4).target(targets, 2);
  }

  @Test
  void everyGraphLayerSavesAndLoadsWithItsArguments(@TempDir Path dir) throws Exception {
    ArrayDataset d = data();
    Path file = dir.resolve("graph.cnn4j");
    float[] before;
    Map<String, Object> config;
    try (Functional model = everyLayer()) {
      model.compile(new Adam(0.01), new MeanSquaredError());
      model.fit(d, FitOptions.epochs(1).batchSize(5).verbose(0));
      before = model.predict(d, 5).values();
      config = ModelConfig.of(model);
      model.save(file);
    }
    try (Model loaded = Models.load(file, backend)) {
      assertArrayEquals(before, loaded.predict(d, 5).values());
      assertEquals(Json.write(config), Json.write(ModelConfig.of(loaded)));
      assertTrue(loaded.getLayer("shared").nodes().size() >= 2);
      assertTrue(loaded.getLayer("head_block") instanceof Sequential);
    }
  }
}
