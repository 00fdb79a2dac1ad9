package org.cnn4j.data;

/**
 * A data set's training and test parts, as Keras' {@code load_data()} returns them.
 *
 * @param train the training part, Keras' {@code (x_train, y_train)}
 * @param test the test part, Keras' {@code (x_test, y_test)}
 */
public record TrainTestSplit(LabeledImages train, LabeledImages test) {}
