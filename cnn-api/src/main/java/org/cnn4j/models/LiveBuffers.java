package org.cnn4j.models;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * In inference, how many live values hold each buffer: a call's buffers are freed when none does,
 * right after the call for its scratch, after their last reader for its outputs.
 */
final class LiveBuffers {
  private final Step step;
  private final Map<DeviceBuffer, Integer> holders = new IdentityHashMap<>();
  private final Set<DeviceBuffer> spans =
      java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  LiveBuffers(Step step) {
    this.step = step;
  }

  /**
   * After a call: {@code span} is what it allocated, {@code out} its outputs, {@code dead} the
   * tensors no later call reads (their values leave {@code values}).
   */
  void afterCall(
      List<DeviceBuffer> span,
      List<Tensor> out,
      List<SymbolicTensor> dead,
      Map<SymbolicTensor, Tensor> values) {
    for (Tensor t : out) holders.merge(t.buffer(), 1, Integer::sum);
    spans.addAll(span);
    for (SymbolicTensor t : dead) {
      Tensor v = values.remove(t);
      if (v == null) continue; // a tensor a fold did not compute
      DeviceBuffer b = v.buffer();
      int n = holders.merge(b, -1, Integer::sum);
      if (n == 0 && spans.contains(b)) step.free(b);
    }
    for (DeviceBuffer b : span) if (holders.getOrDefault(b, 0) == 0) step.free(b);
  }
}
