package org.cnn4j.spi;

/** Element-wise activations a backend computes forward and backward. Softmax is a row op. */
public enum ActivationKind {
  LINEAR,
  RELU,
  SIGMOID,
  TANH,
  /** {@code x > 0 ? x : alpha * x}; Keras' LeakyReLU default alpha is 0.3. */
  LEAKY_RELU
}
