package org.cnn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cnn4j.backends.Backends;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keras configs of every version build the model they describe, or say what cnn4j lacks. */
class KerasConfigTest {
  static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.open();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static KerasGraph.ModelSpec spec(String json) {
    return KerasGraph.ModelSpec.of(KerasJson.parseObject(json));
  }

  private static List<String> problems(String json, int kerasMajor) {
    return new KerasGraph(new KerasLayers.Context(kerasMajor)).check(spec(json), "");
  }

  @Test
  void aSequentialStartingWithANestedModelTakesItsInput() {
    String json =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"outer\", \"layers\": ["
            + "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"base\", \"layers\": ["
            + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 4, \"kernel_size\": [3, 3],"
            + " \"batch_input_shape\": [null, 8, 8, 1]}},"
            + "{\"class_name\": \"GlobalAveragePooling2D\", \"config\": {\"name\": \"g\"}}]}},"
            + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2}}]}}";
    KerasGraph g = new KerasGraph(new KerasLayers.Context(2));
    assertEquals(List.of(), g.check(spec(json), ""));
    try (Model m = g.build(spec(json), backend)) {
      g.nestedModels().forEach(m::closeWith);
      assertTrue(m instanceof Sequential);
      assertEquals(Shape.of(8, 8, 1), m.inputShape());
      assertEquals(Shape.of(2), m.outputShape());
      assertEquals(4 * 9 + 4 + 4 * 2 + 2, m.countParams());
    }
  }

  @Test
  void keras2sHardSigmoidIsNotKeras3s() {
    String json =
        "[{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2, \"activation\": \"hard_sigmoid\","
            + " \"batch_input_shape\": [null, 3]}}]";
    String wrapped = "{\"class_name\": \"Sequential\", \"config\": " + json + "}";
    List<String> p = problems(wrapped, 2);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("layer 'd' (Dense): Keras 2's hard_sigmoid"), p.get(0));
    assertEquals(List.of(), problems(wrapped, 3));
  }

  @Test
  void whatCnn4jLacksIsSaidPerLayer() {
    String json =
        "{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 8, 8, 3]}},"
            + "{\"class_name\": \"BatchNormalization\", \"config\": {\"name\": \"bn\", \"scale\": false}},"
            + "{\"class_name\": \"BatchNormalization\", \"config\": {\"name\": \"bn1\", \"mode\": 2}},"
            + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"full\", \"nb_filter\": 2, \"nb_row\": 3,"
            + " \"nb_col\": 3, \"border_mode\": \"full\"}},"
            + "{\"class_name\": \"Activation\", \"config\": {\"name\": \"a\", \"activation\": \"mish\"}},"
            + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"ok\", \"filters\": 2, \"kernel_size\": 3}}]}}";
    List<String> p = problems(json, 1);
    assertEquals(4, p.size(), p.toString());
    assertTrue(
        p.get(0)
            .contains(
                "layer 'bn' (BatchNormalization): BatchNormalization with center=False or scale=False"),
        p.get(0));
    assertTrue(
        p.get(1).contains("layer 'bn1' (BatchNormalization): BatchNormalization mode=2"), p.get(1));
    assertTrue(p.get(2).contains("layer 'full' (Conv2D): padding \"full\""), p.get(2));
    assertTrue(p.get(3).contains("layer 'a' (Activation): activation 'mish'"), p.get(3));
  }

  @Test
  void anInputOfOpenSizeIsNamed() {
    String json =
        "{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, null, null, 3]}},"
            + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 2, \"kernel_size\": 3}}]}}";
    KerasGraph g = new KerasGraph(new KerasLayers.Context(3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> g.build(spec(json), backend));
    assertTrue(
        e.getMessage()
            .contains("layer 'in' (InputLayer): input shape [null,null,3] has sizes left open"),
        e.getMessage());
  }

  @Test
  void snakeCaseNamesAreKeras() {
    assertEquals("conv2d", KerasOrder.snakeCase("Conv2D"));
    assertEquals("depthwise_conv2d", KerasOrder.snakeCase("DepthwiseConv2D"));
    assertEquals("re_lu", KerasOrder.snakeCase("ReLU"));
    assertEquals("leaky_re_lu", KerasOrder.snakeCase("LeakyReLU"));
    assertEquals("elu", KerasOrder.snakeCase("ELU"));
    assertEquals("global_average_pooling2d", KerasOrder.snakeCase("GlobalAveragePooling2D"));
    assertEquals("input_layer", KerasOrder.snakeCase("InputLayer"));
    assertEquals("up_sampling2d", KerasOrder.snakeCase("UpSampling2D"));
  }
}
