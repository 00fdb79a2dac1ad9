package org.cnn4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Activation names resolve to Keras' functions with Keras' default arguments. */
class ActivationsTest {
  @Test
  void leakyReluActivationHasKerasActivationsSlopePointTwo() {
    // keras.activations.leaky_relu(x, negative_slope=0.2); 0.3 is only the LeakyReLU layer's.
    assertEquals(0.2f, Activations.of("leaky_relu").alpha());
    assertEquals(0.2f, new Conv2D(1, 1, "leaky_relu").activation().alpha());
    assertEquals(0.2f, new Activation("leaky_relu").activation().alpha());
  }
}
