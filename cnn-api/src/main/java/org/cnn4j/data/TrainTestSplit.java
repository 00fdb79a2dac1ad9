package org.cnn4j.data;

/** A data set's training and test parts, as Keras' {@code load_data()} returns them. */
public record TrainTestSplit(LabeledImages train, LabeledImages test) {}
