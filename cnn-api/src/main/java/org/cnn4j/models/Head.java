package org.cnn4j.models;

import java.util.List;
import org.cnn4j.layers.Node;
import org.cnn4j.losses.Loss;
import org.cnn4j.metrics.Metric;
import org.cnn4j.spi.LossKind;

/**
 * What {@code compile} set for one model output: its loss and weight in the total loss, its
 * metrics, the name its logs carry, and whether the backend computes the loss on the logits (the
 * output layer ends in a softmax that the cross-entropy takes over, as Keras fuses them).
 *
 * @param name the output's name in the logs: its layer's name ("out1_loss")
 * @param fusedNode the output's node when the loss takes its logits, else null
 */
record Head(
    int index,
    String name,
    Loss loss,
    double weight,
    List<Metric> metrics,
    List<String> metricNames,
    LossKind kind,
    Node fusedNode) {

  /** Whether the targets are class indices (one value per sample). */
  boolean sparse() {
    return loss.sparseTargets();
  }

  /** Whether the loss is written with ops (a custom loss) rather than a backend kind. */
  boolean custom() {
    return loss.function() != null;
  }
}
