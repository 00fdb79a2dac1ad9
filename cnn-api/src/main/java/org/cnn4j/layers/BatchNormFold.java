package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Inference of a convolution, the BatchNormalization after it and optionally the activation after
 * that, as one convolution: the normalization by the moving statistics is a per-channel factor and
 * offset, which go into the kernel and bias ({@code k' = k * s}, {@code b' = (b - mean) * s + beta}
 * with {@code s = gamma / sqrt(variance + epsilon)}), and the activation into the convolution's
 * epilogue. Two passes over the activations (normalize, activate) become none, at the price of one
 * pass over the kernel. A residual addition between the normalization and the activation (ResNet's
 * block end) folds in too: the convolution adds the shortcut as it writes its output over it. Where
 * the backend counts writes to the weights ({@link #keepable}), a model keeps the fold ({@link
 * Kept}) and pays that pass once until they change, so it folds every such call; elsewhere it folds
 * a call only where the kernel is smaller than the output ({@link #worthIt}): the early, wide
 * layers at any batch size, all of them at the usual ones.
 */
public final class BatchNormFold {
  private BatchNormFold() {}

  /**
   * Whether {@code conv} followed by {@code norm} can be folded: a convolution without activation,
   * then a BatchNormalization.
   */
  public static boolean applies(Layer conv, Layer norm) {
    return conv instanceof ConvLayer<?> c
        && c.activation().isLinear()
        && norm instanceof BatchNormalization;
  }

  /** Whether {@code activation} can be the folded convolution's epilogue. */
  public static boolean fusable(Layer activation) {
    return epilogue(activation) != null;
  }

  /** Whether folding pays for an input of {@code x}: the output is larger than the kernel. */
  public static boolean worthIt(Layer conv, Tensor x) {
    ConvLayer<?> c = (ConvLayer<?>) conv;
    int batch = x.shape().dim(0);
    return (long) batch * c.outputShape().size() >= c.kernel().shape().size();
  }

  /**
   * Whether the backend counts the writes of every weight the fold reads ({@link
   * DeviceBuffer#version}), so that a fold made once ({@link Kept}) can serve each inference pass
   * until one of them changes: folding then pays at any batch size.
   */
  public static boolean keepable(Layer conv, Layer norm) {
    for (Parameter p : sources(conv, norm)) if (p.value().buffer().version() < 0) return false;
    return true;
  }

  /**
   * The inference output of {@code conv}, {@code norm}, the addition of {@code shortcut} (null for
   * none) and {@code activation} (null for none) on {@code x}, or on {@code x} padded by {@code
   * padding} ({@link PaddingFold}; null for none), with nothing recorded for a backward pass. With
   * a shortcut the output is written over it ({@code conv2dForwardResidual}) and it is returned:
   * the caller hands over a shortcut nothing reads again. The folded kernel and bias come from
   * {@code kept} when it holds them for the current weights (refilled here when not), or, with
   * {@code kept} null, are made for this call and freed with the step.
   */
  public static Tensor run(
      Step step,
      Layer padding,
      Layer conv,
      Layer norm,
      Layer activation,
      Tensor x,
      Tensor shortcut,
      Kept kept) {
    ConvLayer<?> c = (ConvLayer<?>) conv;
    Activations act = activation == null ? Activations.LINEAR : epilogue(activation);
    DeviceBuffer kernel;
    DeviceBuffer bias;
    if (kept == null) {
      kernel = step.allocate(c.kernel().shape(), false).buffer();
      bias = step.allocate(Shape.of(c.outputShape().dim(-1)), false).buffer();
      fold(step, c, (BatchNormalization) norm, kernel, bias);
    } else {
      synchronized (kept) {
        kept.refreshIfStale(step, c, (BatchNormalization) norm);
        kernel = kept.kernel;
        bias = kept.bias;
      }
    }
    int batch = x.shape().dim(0);
    Conv2dSpec s = c.spec(x.shape().withoutBatch(), batch, (ZeroPadding2D) padding);
    if (shortcut != null) {
      step.backend()
          .conv2dForwardResidual(
              s, x.buffer(), kernel, bias, act.kind(), act.alpha(), shortcut.buffer());
      return shortcut;
    }
    Tensor y = step.allocate(c.outputShape().withBatch(batch), false);
    step.backend()
        .conv2dForwardFused(s, x.buffer(), kernel, bias, act.kind(), act.alpha(), y.buffer());
    return y;
  }

  /**
   * Writes the folded kernel and bias of {@code c} and {@code bn} into {@code kernel} and {@code
   * bias}.
   */
  private static void fold(
      Step step, ConvLayer<?> c, BatchNormalization bn, DeviceBuffer kernel, DeviceBuffer bias) {
    int filters = c.outputShape().dim(-1);
    // The kernel's last axis is the output channel (HWIO, and depthwise's [kh, kw, c, multiplier]
    // flattens its last two axes to the output channel c * multiplier + m).
    bn.normalizeByMovingStatistics(
        step,
        c.kernel().value().buffer(),
        (int) (c.kernel().shape().size() / filters),
        false,
        kernel);
    DeviceBuffer convBias = c.bias() != null ? c.bias().value().buffer() : zeros(step, filters);
    bn.normalizeByMovingStatistics(step, convBias, 1, true, bias);
  }

  private static List<Parameter> sources(Layer conv, Layer norm) {
    List<Parameter> all = new ArrayList<>(conv.parameters());
    all.addAll(norm.parameters());
    return all;
  }

  /**
   * A fold kept between inference passes: the folded kernel and bias, and the versions of the
   * weights they were made from. A model keeps one per folded convolution and frees it on close.
   * Lanes running one pass share it: {@link #run} refreshes it under its lock.
   */
  public static final class Kept implements AutoCloseable {
    private DeviceBuffer kernel;
    private DeviceBuffer bias;
    private long[] versions = new long[0];
    private boolean closed;

    private void refreshIfStale(Step step, ConvLayer<?> c, BatchNormalization bn) {
      if (closed) throw new IllegalStateException("the model's kept folds are closed");
      List<Parameter> sources = sources(c, bn);
      if (kernel != null && Arrays.equals(versions, versionsOf(sources))) return;
      if (kernel == null) {
        kernel = step.backend().allocate(c.kernel().shape().size());
        bias = step.backend().allocate(c.outputShape().dim(-1));
      }
      fold(step, c, bn, kernel, bias);
      // Taken after the fold, whose own reads of the weights a backend may count.
      versions = versionsOf(sources);
    }

    private static long[] versionsOf(List<Parameter> sources) {
      long[] v = new long[sources.size()];
      for (int i = 0; i < v.length; i++) v[i] = sources.get(i).value().buffer().version();
      return v;
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (kernel != null) {
        kernel.close();
        bias.close();
      }
    }
  }

  /** The activation of an activation layer that a convolution's epilogue can apply, or null. */
  private static Activations epilogue(Layer layer) {
    Activations a =
        layer instanceof ActivationLayer l
            ? l.activation()
            : layer instanceof Activation l ? l.activation() : null;
    return a != null && a.inPlace() ? a : null;
  }

  private static DeviceBuffer zeros(Step step, int n) {
    Tensor t = step.allocate(Shape.of(n), false);
    step.backend().fill(t.buffer(), 0, n, 0f);
    return t.buffer();
  }
}
