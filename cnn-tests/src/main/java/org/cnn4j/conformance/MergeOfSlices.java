package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Test scaffolding that lets the single-input layer checks reach a merge layer: it cuts its input
 * {@code [n, h, w, c]} into windows (each a strided copy whose backward adds back into the input)
 * and merges them. A window of size 1 along an axis makes the merge broadcast.
 */
final class MergeOfSlices extends Layer {
  /** One window: first row, column and channel, and sizes. */
  record Window(int top, int left, int channel, int h, int w, int c) {}

  private final Layer merge;
  private final List<Window> windows;

  MergeOfSlices(Layer merge, Window... windows) {
    this.merge = merge;
    this.windows = List.of(windows);
  }

  @Override
  public String typeName() {
    return merge.typeName();
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    List<org.cnn4j.layers.SymbolicTensor> parts = new ArrayList<>();
    for (Window win : windows) parts.add(Input.of(win.h(), win.w(), win.c()));
    return merge.applyAll(parts).get(0).shape();
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    var backend = step.backend();
    Shape s = x.shape();
    List<Tensor> parts = new ArrayList<>();
    for (Window win : windows) {
      StridedView view =
          new StridedView(
              ((long) win.top() * s.dim(2) + win.left()) * s.dim(3) + win.channel(),
              new int[] {s.dim(0), win.h(), win.w(), win.c()},
              new long[] {
                (long) s.dim(1) * s.dim(2) * s.dim(3), (long) s.dim(2) * s.dim(3), s.dim(3), 1
              });
      Tensor part = step.allocate(Shape.of(s.dim(0), win.h(), win.w(), win.c()));
      backend.copyStrided(
          x.buffer(), view, part.buffer(), StridedView.contiguous(part.shape().dims()));
      step.record(
          () -> {
            if (part.grad() == null) return;
            Tensor dx = step.allocate(s);
            backend.fill(dx.buffer(), 0, dx.size(), 0f);
            backend.copyStrided(
                part.grad().buffer(),
                StridedView.contiguous(part.shape().dims()),
                dx.buffer(),
                view);
            step.accumulateGrad(x, dx);
          });
      parts.add(part);
    }
    return merge.forward(step, parts).get(0);
  }
}
